import { constants } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { type DeploymentManifest, MANIFEST_FILE, parseManifest } from "@slipway/core";

/**
 * Manifests are immutable (deployments are), so each is read and validated once per process.
 * A failed read is not cached: the deployment may simply not be unpacked yet.
 */
export function createManifestCache(deploymentsDir: string) {
  const cache = new Map<string, Promise<DeploymentManifest>>();
  return {
    rootOf(deploymentId: string): string {
      return path.join(deploymentsDir, deploymentId);
    },
    load(deploymentId: string): Promise<DeploymentManifest> {
      let entry = cache.get(deploymentId);
      if (!entry) {
        const file = path.join(deploymentsDir, deploymentId, MANIFEST_FILE);
        entry = readManifest(file);
        entry.catch(() => cache.delete(deploymentId));
        cache.set(deploymentId, entry);
      }
      return entry;
    },
    forget(deploymentId: string): void {
      cache.delete(deploymentId);
    },
  };
}

// Far above any real manifest (a few KB plus one line per precompressed asset).
const MANIFEST_LIMIT = 16 * 1024 * 1024;

/** The manifest is build output: a regular file, not followed through a link, bounded. */
async function readManifest(file: string): Promise<DeploymentManifest> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MANIFEST_LIMIT) throw new Error(`${file} is not a manifest file`);
    return parseManifest(JSON.parse(await handle.readFile("utf8")));
  } finally {
    await handle.close();
  }
}

export type ManifestCache = ReturnType<typeof createManifestCache>;
