import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { NextModeTagCache, NextModeTagCacheWriteInput } from "@opennextjs/aws/types/overrides.js";
import { cacheDir } from "../env.ts";

/**
 * Tag cache on the local filesystem ("nextMode": needs no seeding at build time). One small file
 * per tag under `<cacheDir>/__tags/` instead of one shared JSON document: workers of the same
 * deployment write concurrently, and per-tag files make every write an atomic rename with no
 * read-modify-write race. A record names its tag: the edge cache reads these files to purge the
 * responses a revalidation touched (packages/runtime/src/edge/cache/tag-log.ts).
 */
type TagRecord = { tag: string; revalidatedAt: number; stale?: number; expire?: number };

function tagFile(tag: string): string {
  const name = createHash("sha256").update(tag).digest("hex");
  return path.join(cacheDir(), "__tags", `${name}.json`);
}

async function readTag(tag: string): Promise<TagRecord | null> {
  try {
    return JSON.parse(await fs.readFile(tagFile(tag), "utf8")) as TagRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === "ENOENT") return null;
    throw error;
  }
}

async function readTags(tags: string[]): Promise<TagRecord[]> {
  const records = await Promise.all(tags.map(readTag));
  return records.filter((r): r is TagRecord => r !== null);
}

function disabled(): boolean {
  return globalThis.openNextConfig?.dangerous?.disableTagCache === true;
}

const tagCache: NextModeTagCache = {
  name: "slipway-fs",
  mode: "nextMode",
  async getLastRevalidated(tags) {
    if (disabled()) return 0;
    return (await readTags(tags)).reduce((max, r) => Math.max(max, r.revalidatedAt), 0);
  },
  async hasBeenRevalidated(tags, lastModified = 0) {
    if (disabled()) return false;
    const now = Date.now();
    return (await readTags(tags)).some((r) =>
      // With an expiry the entry is only invalid once expired (until then it is served stale).
      typeof r.expire === "number" ? r.expire <= now && r.expire > lastModified : r.revalidatedAt > lastModified,
    );
  },
  async isStale(tags, lastModified = 0) {
    if (disabled()) return false;
    return (await readTags(tags)).some(
      (r) => typeof r.stale === "number" && r.revalidatedAt > lastModified && r.stale >= lastModified,
    );
  },
  async writeTags(tags: NextModeTagCacheWriteInput[]) {
    if (disabled() || tags.length === 0) return;
    const dir = path.join(cacheDir(), "__tags");
    await fs.mkdir(dir, { recursive: true });
    const now = Date.now();
    await Promise.all(
      tags.map(async (input) => {
        const tag = typeof input === "string" ? input : input.tag;
        const record: TagRecord =
          typeof input === "string"
            ? { tag, revalidatedAt: now }
            : { tag, revalidatedAt: now, stale: input.stale, expire: input.expire };
        const file = tagFile(tag);
        const tmp = `${file}.${randomUUID()}.tmp`;
        await fs.writeFile(tmp, JSON.stringify(record));
        await fs.rename(tmp, file);
      }),
    );
  },
};

export default tagCache;
