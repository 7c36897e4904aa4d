import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type BlobStore, keySegments, prefixSegments } from "@slipway/core";

/**
 * Blobs as files under `<rootDir>/blobs/<key>`. Uploads land in `<rootDir>/tmp` first and are
 * renamed into place once complete and flushed: rename is atomic on one filesystem, so a reader
 * or a crash sees the old blob or the new one, never half of one. Keeping temp files outside
 * `blobs/` means `list` never shows them and no key can collide with one.
 */
export function createFsBlobStore(rootDir: string): BlobStore {
  const blobsDir = join(rootDir, "blobs");
  const tmpDir = join(rootDir, "tmp");
  const pathOf = (key: string) => join(blobsDir, ...keySegments(key));
  let swept: Promise<void> | null = null;

  return {
    name: "filesystem",

    async put(key, body) {
      const segments = keySegments(key);
      const target = join(blobsDir, ...segments);
      await mkdir(join(blobsDir, ...segments.slice(0, -1)), { recursive: true });
      await mkdir(tmpDir, { recursive: true });
      swept ??= sweepStaleTemps(tmpDir);
      await swept;
      const temp = join(tmpDir, `${randomBytes(8).toString("hex")}.part`);
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        // `flush` fsyncs before close, so the rename below never publishes unflushed data.
        await pipeline(source, counter, createWriteStream(temp, { flags: "wx", flush: true }));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { size };
    },

    async get(key) {
      const path = pathOf(key);
      const handle = await open(path, "r").catch(nullIfMissing);
      if (!handle) return null;
      // A key that names a folder (a prefix of other keys) is not a blob.
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        return null;
      }
      return handle.createReadStream();
    },

    async head(key) {
      const info = await stat(pathOf(key)).catch(nullIfMissing);
      return info?.isFile() ? { size: info.size } : null;
    },

    async delete(key) {
      const path = pathOf(key);
      const info = await stat(path).catch(nullIfMissing);
      if (!info?.isFile()) return false;
      // Empty parent folders are left behind on purpose: removing them could race a `put` that
      // has just created the folder and is about to rename into it.
      try {
        await unlink(path);
        return true;
      } catch (error) {
        return nullIfMissing(error) ?? false; // deleted by someone else in between
      }
    },

    async list(prefix) {
      const dirSegments = prefixSegments(prefix);
      const keys: string[] = [];
      await walk(join(blobsDir, ...dirSegments), dirSegments.join("/"), keys);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    },
  };
}

const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/**
 * Removes uploads a crashed process left in `tmp/`. Only old ones: a fresh temp file may belong to
 * another process (the builder) uploading right now. Best effort: a failure here must not fail a put.
 */
async function sweepStaleTemps(tmpDir: string): Promise<void> {
  const cutoff = Date.now() - STALE_TEMP_MS;
  const names = await readdir(tmpDir).catch(() => []);
  for (const name of names) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile() && info.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => {});
  }
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(nullIfMissing);
  for (const entry of entries ?? []) {
    const key = keyPrefix === "" ? entry.name : `${keyPrefix}/${entry.name}`;
    if (entry.isDirectory()) await walk(join(dir, entry.name), key, out);
    else if (entry.isFile()) out.push(key);
  }
}

/** ENOENT / ENOTDIR mean "no such blob", an expected outcome; anything else is a fault. */
function nullIfMissing(error: unknown): null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return null;
  throw error;
}
