import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type BlobStore, keySegments, prefixSegments } from "@slipway/core";

export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** Every key is stored under this prefix (one bucket, several installations or sites). @default "" */
  readonly prefix?: string;
  /** The SDK client's config (region, endpoint of an emulator, credentials). */
  readonly client: S3ClientConfig;
}

/** S3 answers "no such key" with a 404, named NotFound (HEAD) or NoSuchKey (GET). */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Blobs as S3 objects. An upload is one PutObject or a multipart upload that S3 publishes only
 * when it completes (and aborts when the body fails): a reader sees the old object or the new
 * one, never half of one, as with the filesystem store's rename.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client = new S3Client(options.client);
  // No flexible checksums in a presigned PUT: the uploader would have to send a checksum header it
  // cannot know before it has read the whole body (as in presigner.ts).
  const presignClient = new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED", ...options.client });
  const Bucket = options.bucket;
  const root = options.prefix ?? "";
  // Validated exactly as the filesystem store validates them: the same keys are legal everywhere.
  const objectKey = (key: string) => `${root}${keySegments(key).join("/")}`;

  const head = async (key: string) => {
    try {
      const result = await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
      return { size: result.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  return {
    name: "s3",
    async put(key, body) {
      const Key = objectKey(key);
      let size = 0;
      const counted = Buffer.isBuffer(body) ? body : Readable.from(countBytes(body, (n) => (size += n)));
      // leavePartsOnError false: a failed multipart upload is aborted, so no parts linger (and bill).
      await new Upload({ client, params: { Bucket, Key, Body: counted }, leavePartsOnError: false }).done();
      return { size: Buffer.isBuffer(body) ? body.length : size };
    },
    async get(key) {
      try {
        const result = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        return (result.Body as Readable | undefined) ?? null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    head,
    async delete(key) {
      // S3's DeleteObject succeeds whether or not the key exists: HEAD tells which it was. Two
      // concurrent deletes may both return true; the blob is gone either way.
      if (!(await head(key))) return false;
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
      return true;
    },
    async list(prefix) {
      prefixSegments(prefix); // rejects `..` and the like, as the filesystem store does
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: `${root}${prefix}`, ContinuationToken }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(root.length));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      // S3 lists in UTF-8 byte order; the port promises JavaScript's string order.
      return keys.sort();
    },
    async uploadUrl(key, { expiresInSeconds }) {
      const command = new PutObjectCommand({ Bucket, Key: objectKey(key) });
      const url = await getSignedUrl(presignClient, command, { expiresIn: expiresInSeconds });
      return { url, headers: {} };
    },
  };
}

/** Passes the stream through, reporting each chunk's length (the size a stream put returns). */
async function* countBytes(source: Readable, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    add(buffer.length);
    yield buffer;
  }
}
