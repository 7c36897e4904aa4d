import { Readable } from "node:stream";
import type { BlobStore } from "@slipway/core";

/** A BlobStore in memory, for tests of what reads artifacts. */
export function memoryBlobs(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    name: "memory",
    async put(key, body) {
      const data = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
      blobs.set(key, data);
      return { size: data.length };
    },
    async get(key) {
      const data = blobs.get(key);
      return data ? Readable.from([data]) : null;
    },
    async head(key) {
      const data = blobs.get(key);
      return data ? { size: data.length } : null;
    },
    async delete(key) {
      return blobs.delete(key);
    },
    async list(prefix) {
      return [...blobs.keys()].filter((k) => k.startsWith(prefix));
    },
  };
}
