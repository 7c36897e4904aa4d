import path from "node:path";
import { RUNTIME_ENV } from "../../../core/src/runtime-contract.ts";

/**
 * The overrides run inside the server bundle, wherever it runs (a Slipway worker process today,
 * a Lambda later). The bundle is the same everywhere, so the backend is chosen at run time from
 * these variables (set by the local function host) instead of being baked in at build time.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    // Fail loudly: a silent fallback would write the cache somewhere nobody looks.
    throw new Error(`Slipway OpenNext override: env ${name} is not set (the function host sets it)`);
  }
  return value;
}

export const cacheDir = (): string => requireEnv(RUNTIME_ENV.cacheDir);
export const assetsDir = (): string => requireEnv(RUNTIME_ENV.assetsDir);
export const revalidateOrigin = (): string => requireEnv(RUNTIME_ENV.revalidateOrigin);

/** Joins `rel` under `root` and refuses anything that would land outside it. */
export function safeJoin(root: string, rel: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, `.${path.posix.sep}${rel.replace(/\\/g, "/")}`);
  if (full !== base && !full.startsWith(base + path.sep)) {
    throw new Error(`Slipway OpenNext override: path escapes its root: ${rel}`);
  }
  return full;
}
