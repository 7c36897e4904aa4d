import { readdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Compressed, CompressedCache } from "../cache/compressed-cache.ts";
import { readBuildFile, writeFresh } from "../output/safe-fs.ts";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Text formats only: images, fonts and archives are already compressed.
const TEXT = new Set([".js", ".mjs", ".cjs", ".css", ".html", ".svg", ".json", ".txt", ".map", ".xml", ".webmanifest"]);
const MIN_BYTES = 1024;
// zlib work runs on libuv's thread pool (4 threads by default): more in flight only queues.
const CONCURRENCY = 4;
// Assets are served from memory up to a few MB; a text asset larger than this is left as it is.
const MAX_BYTES = 64 * 1024 * 1024;

/** Brotli 11 is slow on big files (a 1 MB bundle takes ~2 s); the gain over 9 is a few percent. */
export function brotliQuality(size: number): number {
  if (size <= 128 * 1024) return 11;
  if (size <= 1024 * 1024) return 9;
  return 6;
}

export function shouldPrecompress(file: string, size: number): boolean {
  return size >= MIN_BYTES && TEXT.has(path.extname(file).toLowerCase());
}

/**
 * Writes `.br` and `.gz` siblings for text assets so the edge never compresses on the fly.
 * Returns the compressed files relative to `assetsDir`, sorted, without the suffix. A file whose
 * compressed forms aren't smaller is left alone. Regular files only, read without following links;
 * siblings are new files, never written through whatever the build left at their names.
 */
export async function precompressAssets(assetsDir: string, cache: CompressedCache | null = null): Promise<string[]> {
  const files = await listFiles(assetsDir);
  const done: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const relative = files[next++] as string;
      if (await compressOne(assetsDir, relative, cache)) done.push(relative);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await cache?.prune();
  return done.sort();
}

async function compressOne(assetsDir: string, relative: string, cache: CompressedCache | null): Promise<boolean> {
  const file = path.join(assetsDir, relative);
  if (!TEXT.has(path.extname(file).toLowerCase())) return false;
  const body = await readBuildFile(file, MAX_BYTES, `build output assets/${relative}`).catch(() => null);
  if (body === null || !shouldPrecompress(file, body.length)) return false;
  const cached = await cache?.get(body);
  const { br, gz: gzipped } = cached ?? (await compress(body));
  if (br.length >= body.length || gzipped.length >= body.length) return false;
  if (!cached) await cache?.put(body, { br, gz: gzipped });
  await Promise.all([
    writeFresh(`${file}.br`, br, `assets/${relative}.br`),
    writeFresh(`${file}.gz`, gzipped, `assets/${relative}.gz`),
  ]);
  return true;
}

async function compress(body: Buffer): Promise<Compressed> {
  const [br, gz] = await Promise.all([
    brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: brotliQuality(body.length),
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
    gzipAsync(body, { level: 9 }),
  ]);
  return { br, gz };
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.endsWith(".br") && !file.endsWith(".gz"));
}
