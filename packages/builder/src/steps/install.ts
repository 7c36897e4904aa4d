import path from "node:path";
import { bestEffort } from "../cache/best-effort.ts";
import { cacheKey, type NodeModulesCache, nodeModulesCache } from "../cache/node-modules-cache.ts";
import type { BuildContext } from "../context.ts";
import { readBuildFile } from "../output/safe-fs.ts";
import { runSandboxed } from "../process/sandboxed.ts";
import type { InstallPlan } from "./detect-package-manager.ts";

// Lockfiles of big monorepos reach a few tens of MB.
const LOCKFILE_LIMIT = 64 * 1024 * 1024;

/**
 * Installs dependencies in the sandbox, or restores them from the project's cache when the
 * lockfile (and command, Node version, CPU) is unchanged: an install from the same lockfile
 * produces the same tree, so a warm build skips it.
 */
export async function installDependencies(
  ctx: BuildContext,
  plan: InstallPlan,
  env: Record<string, string>,
): Promise<void> {
  const target = path.join(plan.dir, "node_modules");
  const cache = plan.lockfile ? await cacheFor(ctx, plan.lockfile, plan) : null;
  // However the build ends, a cache entry it rewrote in place must not reach the next build.
  if (cache) {
    ctx.defer(async () => {
      if (await cache.verify())
        ctx.log.system("⚠ The build modified cached node_modules in place; cache entry dropped");
    });
  }

  if (cache && (await bestEffort(ctx.log, "restore node_modules", false, () => cache.restore(target)))) {
    ctx.log.system(
      `✓ Restored node_modules from the build cache (lockfile unchanged, key ${cache.key}); skipping ${plan.label}`,
    );
    return;
  }

  ctx.log.system(`▶ Installing dependencies with ${plan.label}`);
  const start = performance.now();
  await runSandboxed(ctx, { command: plan.command, cwd: plan.dir, env, what: plan.label });
  ctx.log.system(`✓ ${plan.label} in ${seconds(performance.now() - start)}`);
  if (cache) await bestEffort(ctx.log, "save node_modules", undefined, () => cache.save(target, ctx.dirs.repo));
}

async function cacheFor(ctx: BuildContext, lockfile: string, plan: InstallPlan): Promise<NodeModulesCache | null> {
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
  });
  return nodeModulesCache(ctx.dirs.projectCache, key);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
