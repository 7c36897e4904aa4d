import { readdir } from "node:fs/promises";
import { PassThrough } from "node:stream";
import type { BlobStore } from "@slipway/core";
import { create } from "tar";

/** OpenNext's scratch folder: build intermediates, not part of what runs. */
const EXCLUDED = new Set([".build"]);

function isPackable(stat: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): boolean {
  return stat.isFile() || stat.isDirectory() || stat.isSymbolicLink();
}

export function artifactKey(deploymentId: string): string {
  return `artifacts/${deploymentId}.tar`;
}

/**
 * Streams the artifact root as an uncompressed tar into the blob store: no temp file, and
 * compression would only cost CPU on a local disk (the bundles inside are mostly minified JS that
 * the store's own transport can compress if it wants).
 */
export async function storeArtifact(blobStore: BlobStore, artifactRoot: string, key: string): Promise<number> {
  const entries = (await readdir(artifactRoot)).filter((name) => !EXCLUDED.has(name)).sort();
  // portable: no uid/gid/user names from the build box in the archive. Links are stored as
  // links (never followed) and were checked before; anything but files, folders and links
  // (a FIFO would block the read) is left out even if one appeared since.
  const pack = create(
    { cwd: artifactRoot, portable: true, follow: false, filter: (_path, stat) => "isFile" in stat && isPackable(stat) },
    entries,
  );
  const body = new PassThrough();
  pack.on("error", (error: unknown) => body.destroy(error instanceof Error ? error : new Error(String(error))));
  pack.pipe(body);
  const { size } = await blobStore.put(key, body);
  return size;
}
