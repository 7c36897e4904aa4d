import path from "node:path";
import type { ToolPackage } from "./types.ts";

export const BUN_DEFAULT = "1.4.5";

/** Bun's native binary for this machine: the `bun` package only picks one of these at install. */
export function bunTool(version: string, arch: string = process.arch): ToolPackage {
  const cpu = arch === "arm64" ? "aarch64" : "x64";
  return {
    name: `@oven/bun-linux-${cpu}`,
    version,
    // bunx is bun itself, told by its name what to do.
    bins: { bun: { binary: "bin/bun" }, bunx: { binary: "bin/bun" } },
  };
}

export const BUN_INSTALL = ["bun", "install", "--frozen-lockfile"];

export function bunEnv(cacheDir: string): Record<string, string> {
  return { BUN_INSTALL_CACHE_DIR: path.join(cacheDir, "bun"), DO_NOT_TRACK: "1" };
}
