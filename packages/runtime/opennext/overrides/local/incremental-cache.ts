import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { CacheEntryType, IncrementalCache } from "@opennextjs/aws/types/overrides.js";
import { cacheDir, safeJoin } from "../env.ts";

/**
 * Incremental cache on the local filesystem. The key layout is the build's `cache/` output
 * (`<buildId>/<key>.<type>`, fetch entries under `__fetch/<buildId>/<key>`), so activation seeds
 * it with a plain copy of `cache/`. Several workers of one deployment share the folder, so writes
 * go to a temp file and are renamed into place: a reader never sees half an entry.
 */
function fileFor(key: string, type: CacheEntryType = "cache"): string {
  const buildId = process.env.OPEN_NEXT_BUILD_ID ?? "";
  const rel = type === "fetch" ? path.posix.join("__fetch", buildId, key) : path.posix.join(buildId, `${key}.${type}`);
  return safeJoin(cacheDir(), rel);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}

const incrementalCache: IncrementalCache = {
  name: "slipway-fs",
  async get(key, cacheType) {
    const file = fileFor(key, cacheType);
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)]);
      return { value: JSON.parse(text), lastModified: stat.mtimeMs };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
  async set(key, value, cacheType) {
    const file = fileFor(key, cacheType);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(value));
    await fs.rename(tmp, file);
  },
  async delete(key) {
    await fs.rm(fileFor(key), { force: true });
  },
};

export default incrementalCache;
