import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import mime from "mime-types";

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

/** Uploads every regular file of `dir` under `prefix`, streamed from disk. Overwrites: a retry is harmless. */
export async function uploadFolder(options: UploadFolderOptions): Promise<number> {
  const files: { abs: string; rel: string; size: number }[] = [];
  for (const rel of await fs.readdir(options.dir, { recursive: true }).catch(() => [] as string[])) {
    const abs = path.join(options.dir, rel);
    const stat = await fs.lstat(abs);
    const key = rel.split(path.sep).join("/");
    if (stat.isFile() && !options.skip?.(key)) files.push({ abs, rel: key, size: stat.size });
  }
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++] as (typeof files)[number];
      await options.client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: `${options.prefix}/${file.rel}`,
          Body: createReadStream(file.abs),
          ContentLength: file.size,
          ContentType: contentTypeOf(file.rel),
          ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
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
