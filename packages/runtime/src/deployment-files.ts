import { readFile } from "node:fs/promises";
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
        entry = readFile(file, "utf8").then((text) => parseManifest(JSON.parse(text)));
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

export type ManifestCache = ReturnType<typeof createManifestCache>;
