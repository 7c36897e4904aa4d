import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildChildEnv } from "./env.ts";

const input = {
  homeDir: "/w/home",
  tmpDir: "/w/tmp",
  pmCacheDir: "/c/pm",
  nodeBinDir: "/data/toolchain/node-22.23.5/bin",
  managerEnv: { npm_config_store_dir: "/c/pm/pnpm" },
  toolBinDirs: ["/data/cache/.package-managers/pnpm@9.15.9/bin"],
  deploymentId: "dpl_1",
  userEnv: { API_URL: "https://api", HOME: "/root", TMPDIR: "/tmp", NEXT_DEPLOYMENT_ID: "fake", CI: "0" },
  extraEnv: { npm_config_registry: "http://mirror" },
};

describe("buildChildEnv", () => {
  it("starts from nothing: the platform's own env never leaks in", () => {
    process.env.SLIPWAY_MASTER_KEY = "must-not-leak";
    try {
      const env = buildChildEnv(input);
      expect(env.SLIPWAY_MASTER_KEY).toBeUndefined();
      expect(Object.values(env)).not.toContain("must-not-leak");
    } finally {
      delete process.env.SLIPWAY_MASTER_KEY;
    }
  });

  it("sets the build variables, lets users override CI but not the pinned folders or deployment id", () => {
    const env = buildChildEnv(input);
    expect(env).toMatchObject({
      HOME: "/w/home",
      TMPDIR: "/w/tmp",
      NEXT_DEPLOYMENT_ID: "dpl_1",
      NEXT_TELEMETRY_DISABLED: "1",
      CI: "0",
      API_URL: "https://api",
      npm_config_cache: "/c/pm/npm",
      npm_config_registry: "http://mirror",
    });
    expect(env.PATH?.split(":")).toContain("/usr/bin");
    // The project's Node before the platform's, whose folder still gives npm.
    expect(env.PATH?.split(":")[0]).toBe("/data/toolchain/node-22.23.5/bin");
    // npm on that node still reads the platform's global npmrc (a proxy's cafile), not the toolchain's.
    expect(env.npm_config_globalconfig).toBe(path.join(path.dirname(path.dirname(process.execPath)), "etc", "npmrc"));
  });

  it("adds the package manager's settings and puts its commands on PATH after Node's", () => {
    const env = buildChildEnv(input);
    expect(env.npm_config_store_dir).toBe("/c/pm/pnpm");
    const dirs = env.PATH?.split(":") ?? [];
    expect(dirs.slice(0, 3)).toEqual([
      "/data/toolchain/node-22.23.5/bin",
      "/data/cache/.package-managers/pnpm@9.15.9/bin",
      path.dirname(process.execPath),
    ]);
  });
});
