import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import mime from "mime-types";
import { errorText } from "./step.ts";

/** Every object under a deployment's prefix is content-addressed by the deployment id: cache it forever. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Uploads at once: enough to hide S3's per-request latency, few enough for a 2-core step function. */
const CONCURRENCY = 8;

export function contentTypeOf(file: string): string {
  const type = mime.lookup(file);
  if (!type) return "application/octet-stream";
  return mime.charset(type) ? `${type}; charset=utf-8` : type;
}

export interface UploadFolderOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix without a trailing slash. */
  readonly prefix: string;
  readonly dir: string;
  /** Files (relative, `/`-separated) not to upload. */
  readonly skip?: (rel: string) => boolean;
  readonly cacheControl?: string;
}

/**
 * Files up to this size are read whole, so the SDK can send them again when S3 answers 5xx or
 * SlowDown (a stream, once read, cannot be retried). Larger ones stream from disk.
 */
const BUFFERED_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Uploads every regular file of `dir` under `prefix`. Overwrites: a retry is harmless. On the first
 * failed upload no new one starts, and the ones under way are waited for before it rejects: the
 * caller removes `dir` next, and an upload still reading from it would fail outside any caller.
 */
export async function uploadFolder(options: UploadFolderOptions): Promise<number> {
  const files: { abs: string; rel: string; size: number }[] = [];
  for (const rel of await fs.readdir(options.dir, { recursive: true }).catch(() => [] as string[])) {
    const abs = path.join(options.dir, rel);
    const stat = await fs.lstat(abs);
    const key = rel.split(path.sep).join("/");
    if (stat.isFile() && !options.skip?.(key)) files.push({ abs, rel: key, size: stat.size });
  }
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < files.length) {
      const file = files[next++] as (typeof files)[number];
      try {
        await options.client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: `${options.prefix}/${file.rel}`,
            Body: file.size <= BUFFERED_MAX_BYTES ? await fs.readFile(file.abs) : createReadStream(file.abs),
            ContentLength: file.size,
            ContentType: contentTypeOf(file.rel),
            ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
          }),
        );
      } catch (error) {
        failed = true;
        throw new Error(`uploading ${file.rel} to s3://${options.bucket}/${options.prefix}/: ${errorText(error)}`, {
          cause: error,
        });
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
  return files.length;
}

/** Deletes every object under `prefix/` (a page of up to 1,000 at a time). Idempotent. */
export async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return;
    // Listing again after each delete rather than following the token: the deleted page is gone.
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    if (!page.IsTruncated) return;
  }
}
