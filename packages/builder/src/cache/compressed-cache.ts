import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Bump when the compression settings change (steps/precompress.ts): old entries then miss. */
const FORMAT = "br-size-tiered-gz9-1";

export interface Compressed {
  br: Buffer;
  gz: Buffer;
}

/**
 * Brotli and gzip forms of asset contents, kept per project by the contents' hash: most assets
 * of a rebuild (hashed `_next/static` chunks, public files) are byte for byte the last build's,
 * and brotli at quality 11 is the most CPU a warm build's host side spends. Only the host writes
 * here (the sandbox never sees the folder), from contents it compressed itself. `prune` keeps
 * what this build used, so the folder holds one build's assets.
 */
export function compressedCache(projectCacheDir: string) {
  const dir = path.join(projectCacheDir, "compressed");
  const used = new Set<string>();
  const keyOf = (body: Buffer) => createHash("sha256").update(FORMAT).update("\0").update(body).digest("hex");
  return {
    async get(body: Buffer): Promise<Compressed | null> {
      const key = keyOf(body);
      const [br, gz] = await Promise.all([
        readFile(path.join(dir, `${key}.br`)).catch(() => null),
        readFile(path.join(dir, `${key}.gz`)).catch(() => null),
      ]);
      if (br === null || gz === null) return null;
      used.add(key);
      return { br, gz };
    },
    async put(body: Buffer, compressed: Compressed): Promise<void> {
      const key = keyOf(body);
      await mkdir(dir, { recursive: true });
      // Written under a temporary name and renamed: a concurrent build never reads half an entry.
      for (const [suffix, data] of [
        [".br", compressed.br],
        [".gz", compressed.gz],
      ] as const) {
        const temp = path.join(dir, `.${key}${suffix}.${randomUUID()}.tmp`);
        await writeFile(temp, data);
        await rename(temp, path.join(dir, `${key}${suffix}`));
      }
      used.add(key);
    },
    /** Drops the entries this build did not use. */
    async prune(): Promise<void> {
      const names = await readdir(dir).catch(() => [] as string[]);
      const stale = names.filter((name) => !used.has(name.replace(/\.(br|gz)$/, "")) && !name.endsWith(".tmp"));
      await Promise.all(stale.map((name) => rm(path.join(dir, name), { force: true })));
    },
  };
}

export type CompressedCache = ReturnType<typeof compressedCache>;
