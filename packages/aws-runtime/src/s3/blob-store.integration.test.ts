import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { runBlobStoreContract } from "@slipway/core/contracts";
import { afterAll, beforeAll } from "vitest";
import { type S3rver, startS3rver } from "../test-support/s3rver.ts";
import { createS3BlobStore } from "./blob-store.ts";

// The BlobStore contract against s3rver: one server for the file, a fresh bucket per case, and
// keys under a prefix (as an installation sharing a bucket would have).
let s3: S3rver;
let admin: S3Client;
beforeAll(async () => {
  s3 = await startS3rver();
  admin = new S3Client(s3.client);
});
afterAll(async () => {
  admin?.destroy();
  await s3?.stop();
});

let buckets = 0;
runBlobStoreContract({
  name: "s3",
  create: async () => {
    buckets += 1;
    const bucket = `blobs-${buckets}`;
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    return createS3BlobStore({ bucket, prefix: "site/", client: s3.client });
  },
});
