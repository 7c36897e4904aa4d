import path from "node:path";
import type { ToolPackage } from "./types.ts";

export const YARN_CLASSIC_DEFAULT = "1.22.22";
// Yarn berry's lockfile `__metadata.version` → the newest release writing it.
const BERRY_BY_LOCKFILE: ReadonlyArray<[maxLockfileVersion: number, version: string]> = [
  [4, "2.4.2"],
  [6, "3.8.7"],
];
const BERRY_LATEST = "4.18.1";

export function isBerry(version: string): boolean {
  return Number(version.split(".")[0]) >= 2;
}

/**
 * The Yarn a yarn.lock implies: a `__metadata` block is Yarn 2+ (its version says which), its
 * absence ("# yarn lockfile v1") is Yarn classic.
 */
export function yarnVersionForLockfile(lockfile: string): string {
  const metadata = /^__metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+version:\s*(\d+)/m.exec(lockfile);
  if (!metadata) return YARN_CLASSIC_DEFAULT;
  const lockfileVersion = Number(metadata[1]);
  return BERRY_BY_LOCKFILE.find(([max]) => lockfileVersion <= max)?.[1] ?? BERRY_LATEST;
}

export function yarnTool(version: string): ToolPackage {
  const bins = { yarn: { script: "bin/yarn.js" }, yarnpkg: { script: "bin/yarn.js" } };
  return isBerry(version) ? { name: "@yarnpkg/cli-dist", version, bins } : { name: "yarn", version, bins };
}

export function yarnInstallArgv(version: string): string[] {
  return isBerry(version) ? ["yarn", "install", "--immutable"] : ["yarn", "install", "--frozen-lockfile"];
}

/**
 * Yarn berry reads its own settings (YARN_*), not npm's or the usual proxy variables. Plug'n'Play
 * is turned off: OpenNext traces and copies files from node_modules, which PnP does not create.
 */
export function yarnEnv(version: string, cacheDir: string, network: YarnNetwork): Record<string, string> {
  if (!isBerry(version)) {
    return {
      YARN_CACHE_FOLDER: path.join(cacheDir, "yarn"),
      ...(network.caFile ? { YARN_CAFILE: network.caFile } : {}),
    };
  }
  return {
    YARN_CACHE_FOLDER: path.join(cacheDir, "yarn-berry"),
    YARN_ENABLE_GLOBAL_CACHE: "false",
    YARN_GLOBAL_FOLDER: path.join(cacheDir, "yarn-berry-global"),
    YARN_NODE_LINKER: "node-modules",
    YARN_ENABLE_TELEMETRY: "0",
    YARN_ENABLE_PROGRESS_BARS: "false",
    ...(network.caFile ? { YARN_HTTPS_CA_FILE_PATH: network.caFile } : {}),
    ...(network.registry ? { YARN_NPM_REGISTRY_SERVER: network.registry } : {}),
    ...(network.httpsProxy ? { YARN_HTTPS_PROXY: network.httpsProxy } : {}),
    ...(network.httpProxy ? { YARN_HTTP_PROXY: network.httpProxy } : {}),
  };
}

export interface YarnNetwork {
  caFile: string | null;
  registry: string | null;
  httpsProxy: string | null;
  httpProxy: string | null;
}
