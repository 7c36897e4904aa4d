import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "@slipway/core";

const CACHE_MS = 60_000;
const MAX_DEPLOYMENTS = 100;

/**
 * What a project keeps as static assets (S3's share of its cost on AWS): the sizes of its
 * deployments' `assets/` folders on disk, and the files of deployments created within the window
 * (each one an S3 PUT). Walked without following links, cached for a minute per project.
 */
export function createAssetStorage(store: Store, deploymentsDir: string) {
  const cache = new Map<string, { at: number; sinceMs: number; value: { bytes: number; uploads: number } }>();
  return async function storageOf(projectId: string, sinceMs: number) {
    const hit = cache.get(projectId);
    if (hit && Date.now() - hit.at < CACHE_MS && Math.abs(hit.sinceMs - sinceMs) < CACHE_MS) return hit.value;
    let bytes = 0;
    let uploads = 0;
    for (const deployment of await store.deployments.listByProject(projectId, { limit: MAX_DEPLOYMENTS })) {
      const tree = await measure(join(deploymentsDir, deployment.id, "assets"));
      bytes += tree.bytes;
      if (Date.parse(deployment.createdAt) >= sinceMs) uploads += tree.files;
    }
    const value = { bytes, uploads };
    cache.set(projectId, { at: Date.now(), sinceMs, value });
    return value;
  };
}

async function measure(dir: string): Promise<{ bytes: number; files: number }> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { bytes: 0, files: 0 };
  }
  let bytes = 0;
  let files = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = await measure(path);
      bytes += sub.bytes;
      files += sub.files;
    } else if (entry.isFile()) {
      bytes += (await stat(path)).size;
      files += 1;
    }
  }
  return { bytes, files };
}
