import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { BuildCache } from "@slipway/core";
import { projectCacheDir } from "./project-cache-dir.ts";

/**
 * The local BuildCache: the builder's cache dir, one folder per project (`node_modules`,
 * `.next/cache`, the package manager's store). Clearing measures what it removes first; links are
 * counted, never followed (the caches hold what builds of untrusted code wrote).
 */
export function createBuildCacheDir(cacheDir: string): BuildCache {
  return {
    name: "local",
    async clear(projectId) {
      const dirs =
        projectId === null
          ? (await readdir(cacheDir).catch(() => [])).map((name) => path.join(cacheDir, name))
          : [projectCacheDir(cacheDir, projectId)];
      let bytesFreed = 0;
      for (const dir of dirs) {
        bytesFreed += await treeBytes(dir);
        await rm(dir, { recursive: true, force: true });
      }
      return { bytesFreed };
    },
  };
}

/** Bytes of the files under `entry`, itself included; 0 when it does not exist. */
async function treeBytes(entry: string): Promise<number> {
  const stats = await lstat(entry).catch(() => null);
  if (stats === null) return 0;
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const name of await readdir(entry).catch(() => [])) total += await treeBytes(path.join(entry, name));
  return total;
}
