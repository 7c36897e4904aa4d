import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { keySegments } from "@slipway/core";

/** Presigned URLs for single objects of one bucket: a bearer credential for exactly that key and verb. */
export interface ObjectPresigner {
  get(key: string, expiresInSeconds: number): Promise<string>;
  put(key: string, expiresInSeconds: number): Promise<string>;
}

export function createS3Presigner(options: {
  readonly bucket: string;
  readonly client: S3ClientConfig;
}): ObjectPresigner {
  // No flexible checksums: a presigned PUT would then demand a checksum header the uploader
  // (plain fetch in the build) cannot know before it has the whole body.
  const client = new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED", ...options.client });
  // Keys are validated as the blob store validates them, so a URL names the object the store would.
  const Key = (key: string) => keySegments(key).join("/");
  return {
    get: (key, expiresIn) =>
      getSignedUrl(client, new GetObjectCommand({ Bucket: options.bucket, Key: Key(key) }), { expiresIn }),
    put: (key, expiresIn) =>
      getSignedUrl(client, new PutObjectCommand({ Bucket: options.bucket, Key: Key(key) }), { expiresIn }),
  };
}
