import path from "node:path";
import type { ToolPackage } from "./types.ts";

// The newest pnpm that writes each lockfile format (pnpm 10 also writes 9.0, but stops running
// dependencies' install scripts by default: 9 behaves like the npm a repository was tested with).
const BY_LOCKFILE_MAJOR: Record<string, string> = { "5": "7.33.7", "6": "8.15.9", "9": "9.15.9" };

/** The pnpm a `pnpm-lock.yaml` implies from its `lockfileVersion`, or null when it is unknown. */
export function pnpmVersionForLockfile(lockfile: string): string | null {
  const match = /^lockfileVersion:\s*['"]?(\d+)(?:\.\d+)?['"]?\s*$/m.exec(lockfile);
  return match ? (BY_LOCKFILE_MAJOR[match[1] as string] ?? null) : null;
}

export function pnpmTool(version: string): ToolPackage {
  return { name: "pnpm", version, bins: { pnpm: { script: "bin/pnpm.cjs" }, pnpx: { script: "bin/pnpx.cjs" } } };
}

export const PNPM_INSTALL = ["pnpm", "install", "--frozen-lockfile"];

export function pnpmEnv(cacheDir: string): Record<string, string> {
  return {
    npm_config_store_dir: path.join(cacheDir, "pnpm"),
    // pnpm 9.7+ would otherwise download the version `packageManager` names itself; it is that one.
    npm_config_manage_package_manager_versions: "false",
  };
}
