import type { BlobStore } from "@slipway/core";
import { createMemoryBlobStore } from "@slipway/memory";

/**
 * A memory BlobStore that hands out upload URLs, as S3's presigned PUT does: `putTo(url, body)`
 * plays the client's PUT to the bucket (the URL names the key; the S3 adapter's own URLs are
 * tested against s3rver).
 */
export function createUploadingBlobStore() {
  const blobs = createMemoryBlobStore();
  const BUCKET = "https://bucket.test/";
  const store: BlobStore = {
    ...blobs,
    name: "memory-uploading",
    async uploadUrl(key, { expiresInSeconds }) {
      return { url: `${BUCKET}${key}?expires=${expiresInSeconds}`, headers: { "x-test": "signed" } };
    },
  };
  const putTo = async (url: string, body: Buffer) => {
    const key = new URL(url).pathname.slice(1);
    await blobs.put(key, body);
  };
  return { blobs: store, putTo };
}
