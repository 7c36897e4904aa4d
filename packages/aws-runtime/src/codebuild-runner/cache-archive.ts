import { mkdir, readdir } from "node:fs/promises";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { create, extract } from "tar";

/** The archive a build may download (an S3 object of the caches bucket) and what it may unpack to. */
export const CACHE_LIMITS = { downloadBytes: 1024 ** 3, unpackedBytes: 4 * 1024 ** 3 } as const;

/**
 * Unpacks a project's cache archive into `dir`. The archive was written by an earlier build of the
 * project, beside that build's own scripts, so it is untrusted: only files and folders are taken
 * (no links, devices or FIFOs), tar refuses absolute paths and `..`, and the unpacked size is capped.
 */
export async function unpackCache(archive: Buffer, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  let unpacked = 0;
  const unpack = extract({
    cwd: dir,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    filter: (_path, entry) => {
      const type = "type" in entry ? entry.type : null;
      if (type !== "File" && type !== "Directory") return false;
      unpacked += "size" in entry ? (entry.size ?? 0) : 0;
      if (unpacked > CACHE_LIMITS.unpackedBytes)
        throw new Error(`the cache archive unpacks to more than ${CACHE_LIMITS.unpackedBytes} bytes`);
      return true;
    },
  });
  await pipeline(Readable.from([archive]), unpack);
}

/** `dir`'s contents as a gzipped tar (links stored as links, never followed); null when empty. */
export async function packCache(dir: string): Promise<Buffer | null> {
  const entries = (await readdir(dir).catch(() => [] as string[])).sort();
  if (entries.length === 0) return null;
  // Level 1: most of a cache is already-compressed tarballs (npm's), so a higher level costs CPU for little.
  const pack = create({ cwd: dir, gzip: { level: 1 }, portable: true, follow: false }, entries);
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on("data", (chunk: Buffer) => chunks.push(chunk));
  await pipeline(pack, sink);
  return Buffer.concat(chunks);
}
