import { constants } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { type DeploymentManifest, MANIFEST_FILE, parseManifest } from "@slipway/core";

// The one layout of a deployment's files on this machine, shared by the deployer (which unpacks
// them), the function host (which runs them) and the edge (which serves their assets):
//   <deploymentsDir>/<id>/                 the unpacked artifact, read-only once renamed in place
//   <deploymentsDir>/<id>/<MANIFEST_FILE>  the manifest, naming the folders below
//   <deploymentsDir>/<id>/<assets.dir>     static assets
//   <deploymentsDir>/<id>/<server.dir>     the server function (and <image.dir>, the image one)
//   <deploymentsDir>/<id>/<cache.dir>      the build's prerendered cache, copied once into…
//   <cachesDir>/<id>/                      …the running app's writable cache

/** The folder a deployment is unpacked into. */
export function deploymentRoot(deploymentsDir: string, deploymentId: string): string {
  return path.join(deploymentsDir, deploymentId);
}

/** The writable cache of a deployment's running app (ISR pages, fetch cache). */
export function deploymentCacheDir(cachesDir: string, deploymentId: string): string {
  return path.join(cachesDir, deploymentId);
}

export function manifestFileOf(root: string): string {
  return path.join(root, MANIFEST_FILE);
}

/** Folders inside an unpacked deployment, where its manifest says (paths without `..`). */
export function assetsDirOf(root: string, manifest: DeploymentManifest): string {
  return path.join(root, manifest.assets.dir);
}

export function functionDirOf(root: string, fn: { dir: string }): string {
  return path.join(root, fn.dir);
}

export function cacheSeedDirOf(root: string, manifest: DeploymentManifest): string {
  return path.join(root, manifest.cache.dir);
}

/**
 * Manifests are immutable (deployments are), so each is read and validated once per process.
 * A failed read is not cached: the deployment may simply not be unpacked yet.
 */
export function createManifestCache(deploymentsDir: string) {
  const cache = new Map<string, Promise<DeploymentManifest>>();
  return {
    rootOf(deploymentId: string): string {
      return deploymentRoot(deploymentsDir, deploymentId);
    },
    load(deploymentId: string): Promise<DeploymentManifest> {
      let entry = cache.get(deploymentId);
      if (!entry) {
        entry = readManifestFile(manifestFileOf(deploymentRoot(deploymentsDir, deploymentId)));
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
export async function readManifestFile(file: string): Promise<DeploymentManifest> {
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
