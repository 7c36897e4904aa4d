import { Readable } from "node:stream";
import { type BlobStore, keySegments, prefixSegments } from "@slipway/core";

// Refuses, naming it, a key the filesystem store would refuse: code tested here must not rely on
// a key S3 or the disk rejects.
const checked = (key: string): string => keySegments(key).join("/");

/** Artifacts in memory, for tests of what stores and reads them; keys follow the filesystem store's rule. */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    name: "memory",
    async put(key, body) {
      checked(key);
      const data = Buffer.isBuffer(body) ? Buffer.from(body) : Buffer.concat(await body.toArray());
      blobs.set(key, data);
      return { size: data.length };
    },
    async get(key) {
      const data = blobs.get(checked(key));
      return data ? Readable.from([data]) : null;
    },
    async head(key) {
      const data = blobs.get(checked(key));
      return data ? { size: data.length } : null;
    },
    async delete(key) {
      return blobs.delete(checked(key));
    },
    async list(prefix) {
      prefixSegments(prefix);
      return [...blobs.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
}
