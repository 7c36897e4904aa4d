import path from "node:path";
import type { BuildContext } from "../context.ts";
import { networkEnv } from "../network-env.ts";
import { readBuildFile } from "../output/safe-fs.ts";
import { type ProvisionedTool, provisionTool } from "../package-managers/provision.ts";
import { resolveManager } from "../package-managers/resolve.ts";
import type { ResolvedManager } from "../package-managers/types.ts";
import { type InstallPlan, planInstall } from "./detect-package-manager.ts";

// Lockfiles of big monorepos reach a few tens of MB.
export const LOCKFILE_LIMIT = 64 * 1024 * 1024;
const PACKAGE_JSON_LIMIT = 1024 * 1024;

export interface PreparedManager {
  plan: InstallPlan;
  manager: ResolvedManager;
  tool: ProvisionedTool | null;
}

/**
 * Picks the package manager (by lockfile) and its version (`packageManager`, else what the
 * lockfile implies), fetches it from the npm registry into the shared tool cache unless it is
 * there, and plans the install with it.
 */
export async function preparePackageManager(
  ctx: BuildContext,
  appDir: string,
  repoDir: string,
): Promise<PreparedManager> {
  const located = planInstall(appDir, repoDir, ctx.request.installCommand);
  const manager = resolveManager({
    manager: located.manager,
    lockfile:
      located.lockfile && !located.lockfile.endsWith(".lockb") ? await readText(located.lockfile, repoDir) : null,
    packageManager: await packageManagerField([located.dir, appDir], repoDir),
  });
  let tool: ProvisionedTool | null = null;
  if (manager.tool) {
    const spec = `${manager.tool.name}@${manager.tool.version}`;
    tool = await provisionTool(manager.tool, {
      storeDir: path.join(ctx.options.cacheDir, ".package-managers"),
      npmEnv: {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        HOME: process.env.HOME ?? ctx.dirs.home,
        ...networkEnv(ctx.options.hostNetwork, ctx.options.hostNetwork.caFile),
      },
      integrity: manager.integrity,
      signal: ctx.signal,
    });
    ctx.log.system(
      `✓ ${manager.name} ${manager.version} (from ${manager.source}; ${tool.cached ? "cached" : `fetched ${spec} from the npm registry`})`,
    );
  }
  if (manager.flavor === "yarn-berry") {
    ctx.log.system(
      "Yarn berry installs with nodeLinker: node-modules (OpenNext packages node_modules; Plug'n'Play is not supported)",
    );
  }
  const plan = planInstall(appDir, repoDir, ctx.request.installCommand, {
    installArgv: manager.installArgv,
    readOnly: tool ? [tool.dir] : [],
  });
  return { plan, manager, tool };
}

/** The nearest of `dirs`' package.json files that has a `packageManager` field (corepack's rule). */
async function packageManagerField(dirs: string[], repoDir: string) {
  for (const dir of dirs) {
    const file = path.join(dir, "package.json");
    const text = await readText(file, repoDir).catch(() => null);
    if (text === null) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue; // `next build` names a broken package.json better than we would here.
    }
    if (json && typeof json === "object" && "packageManager" in json) {
      return { value: (json as { packageManager: unknown }).packageManager, file: path.relative(repoDir, file) };
    }
  }
  return null;
}

/** The repository's files are untrusted: a link or a huge file is refused (readBuildFile). */
async function readText(file: string, repoDir: string): Promise<string> {
  const limit = file.endsWith("package.json") ? PACKAGE_JSON_LIMIT : LOCKFILE_LIMIT;
  return (await readBuildFile(file, limit, path.relative(repoDir, file))).toString("utf8");
}
