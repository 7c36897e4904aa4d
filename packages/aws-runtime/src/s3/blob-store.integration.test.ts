import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { runBlobStoreContract } from "@slipway/core/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
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

it("hands out a presigned PUT URL: a plain fetch to it stores the object the store then reads", async () => {
  await admin.send(new CreateBucketCommand({ Bucket: "uploads" }));
  const blobs = createS3BlobStore({ bucket: "uploads", prefix: "site/", client: s3.client });
  const body = Buffer.from("an archive, uploaded past the API");
  const { url, headers } = await (blobs.uploadUrl as NonNullable<typeof blobs.uploadUrl>)("uploads/x1.tar", {
    expiresInSeconds: 60,
  });
  expect(url).toContain("X-Amz-Signature=");
  const put = await fetch(url, { method: "PUT", headers, body });
  expect(put.status).toBe(200);
  const stored = await blobs.get("uploads/x1.tar");
  expect(Buffer.concat((await stored?.toArray()) ?? [])).toEqual(body);
  // Stored under the store's prefix, as every other key (the signature covers the prefixed key).
  expect(await blobs.list("uploads/")).toEqual(["uploads/x1.tar"]);
});
