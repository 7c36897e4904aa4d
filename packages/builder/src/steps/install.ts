import path from "node:path";
import { bestEffort } from "../cache/best-effort.ts";
import { cacheKey, type InstallCache, installCache } from "../cache/install-cache.ts";
import { findInstallOutput, snapshotTree, type TreeSnapshot } from "../cache/install-output.ts";
import type { BuildContext } from "../context.ts";
import { readBuildFile } from "../output/safe-fs.ts";
import { runSandboxed } from "../process/sandboxed.ts";
import type { InstallPlan } from "./detect-package-manager.ts";
import { LOCKFILE_LIMIT } from "./package-manager.ts";

/**
 * Installs dependencies in the sandbox, or restores what the install produced from the project's
 * cache when the lockfile (and command, package manager, Node version, CPU) is unchanged: an
 * install from the same lockfile produces the same tree, so a warm build skips it.
 */
export async function installDependencies(
  ctx: BuildContext,
  plan: InstallPlan,
  env: Record<string, string>,
  managerVersion: string | null,
): Promise<void> {
  const repo = ctx.dirs.repo;
  const cache = plan.lockfile ? await cacheFor(ctx, plan.lockfile, plan, managerVersion) : null;
  // However the build ends, a cache entry it rewrote in place must not reach the next build.
  if (cache) {
    ctx.defer(async () => {
      if (await cache.verify())
        ctx.log.system("⚠ The build modified cached dependencies in place; cache entry dropped");
    });
  }

  if (cache && (await bestEffort(ctx.log, "restore dependencies", false, () => cache.restore(repo)))) {
    ctx.log.system(
      `✓ Restored dependencies from the build cache (lockfile unchanged, key ${cache.key}); skipping ${plan.label}`,
    );
    return;
  }

  // What the checkout held before, so that everything the install adds is what gets cached.
  const before = cache
    ? await bestEffort<TreeSnapshot | null>(ctx.log, "list the checkout", null, () => snapshotTree(repo))
    : null;
  ctx.log.system(`▶ Installing dependencies with ${plan.label}`);
  const start = performance.now();
  await runSandboxed(ctx, { command: plan.command, cwd: plan.dir, env, what: plan.label, readOnly: plan.readOnly });
  ctx.log.system(`✓ ${plan.label} in ${seconds(performance.now() - start)}`);
  if (!cache || !before) return;
  await bestEffort(ctx.log, "save dependencies", undefined, async () => {
    const output = await findInstallOutput(repo, before);
    // A restore could not reproduce an edit to a file the commit holds: install every time instead.
    if (output.changed.length > 0) {
      ctx.log.system(`The install changed ${output.changed[0]} in the checkout: dependencies are not cached`);
      return;
    }
    await cache.save(repo, output);
  });
}

async function cacheFor(
  ctx: BuildContext,
  lockfile: string,
  plan: InstallPlan,
  managerVersion: string | null,
): Promise<InstallCache | null> {
  // The lockfile comes from the repository: a link to /dev/zero or a huge file must not hang the host.
  const contents = await readBuildFile(lockfile, LOCKFILE_LIMIT, path.relative(ctx.dirs.repo, lockfile)).catch(
    () => null,
  );
  if (contents === null) return null;
  const key = cacheKey({
    lockfile: contents,
    command: plan.label,
    installDir: path.relative(ctx.dirs.repo, plan.dir),
    nodeVersion: ctx.node?.version ?? process.version,
    manager: `${plan.manager}@${managerVersion ?? "platform"}`,
  });
  return installCache(ctx.dirs.projectCache, key);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
