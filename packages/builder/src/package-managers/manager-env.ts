import { type HostNetwork, networkEnv } from "../network-env.ts";
import { bunEnv } from "./bun.ts";
import { pnpmEnv } from "./pnpm.ts";
import type { ResolvedManager } from "./types.ts";
import { yarnEnv } from "./yarn.ts";

/**
 * The running manager's cache folder (inside the project's package-manager cache) and the host's
 * network settings, in the variables that manager reads. Only the running manager's: npm warns
 * about (and will reject) pnpm's `store-dir`.
 */
export function managerEnv(
  manager: ResolvedManager,
  pmCacheDir: string,
  network: HostNetwork,
  caBundle: string | null,
): Record<string, string> {
  const common = {
    ...networkEnv(network, caBundle),
    // The version is the one `packageManager` names: corepack shims must not second-guess it.
    COREPACK_ENABLE_STRICT: "0",
    COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
  };
  switch (manager.flavor) {
    case "pnpm":
      return { ...common, ...pnpmEnv(pmCacheDir) };
    case "yarn-classic":
    case "yarn-berry":
      return {
        ...common,
        ...yarnEnv(manager.version ?? "", pmCacheDir, {
          caFile: caBundle,
          registry: network.registry,
          httpsProxy: network.httpsProxy,
          httpProxy: network.httpProxy,
        }),
      };
    case "bun":
      return { ...common, ...bunEnv(pmCacheDir) };
    case "npm":
      return common;
  }
}
