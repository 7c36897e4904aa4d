import { describe, expect, it } from "vitest";
import type { HostNetwork } from "../network-env.ts";
import { managerEnv } from "./manager-env.ts";
import { resolveManager } from "./resolve.ts";

const network: HostNetwork = {
  caFile: "/etc/corp/ca.pem",
  httpsProxy: "http://proxy.corp:3128",
  httpProxy: null,
  noProxy: "localhost,.corp",
  registry: "https://npm.corp/",
};
const CA = "/work/build/ca-certificates.pem";

describe("managerEnv", () => {
  it("gives every manager the proxy, registry and the CA bundle the sandbox can read", () => {
    for (const manager of ["npm", "pnpm", "yarn", "bun"] as const) {
      const resolved = resolveManager({ manager, lockfile: "lockfileVersion: '9.0'\n", packageManager: null });
      const env = managerEnv(resolved, "/c/pm", network, CA);
      expect(env).toMatchObject({
        HTTPS_PROXY: "http://proxy.corp:3128",
        https_proxy: "http://proxy.corp:3128",
        NO_PROXY: "localhost,.corp",
        npm_config_registry: "https://npm.corp/",
        NODE_EXTRA_CA_CERTS: CA,
        npm_config_cafile: CA,
      });
      expect(env.HTTP_PROXY).toBeUndefined();
    }
  });

  it("speaks Yarn berry's own settings, and turns Plug'n'Play off", () => {
    const berry = resolveManager({ manager: "yarn", lockfile: "__metadata:\n  version: 8\n", packageManager: null });
    expect(managerEnv(berry, "/c/pm", network, CA)).toMatchObject({
      YARN_HTTPS_CA_FILE_PATH: CA,
      YARN_NPM_REGISTRY_SERVER: "https://npm.corp/",
      YARN_HTTPS_PROXY: "http://proxy.corp:3128",
      YARN_NODE_LINKER: "node-modules",
      YARN_CACHE_FOLDER: "/c/pm/yarn-berry",
      YARN_ENABLE_GLOBAL_CACHE: "false",
    });
  });

  it("points only the running manager at its cache", () => {
    const env = (manager: "npm" | "pnpm" | "bun") =>
      managerEnv(
        resolveManager({ manager, lockfile: "lockfileVersion: '9.0'\n", packageManager: null }),
        "/c/pm",
        network,
        null,
      );
    expect(env("npm").npm_config_store_dir).toBeUndefined();
    expect(env("pnpm").npm_config_store_dir).toBe("/c/pm/pnpm");
    expect(env("bun").BUN_INSTALL_CACHE_DIR).toBe("/c/pm/bun");
    expect(env("pnpm").NODE_EXTRA_CA_CERTS).toBeUndefined();
  });
});
