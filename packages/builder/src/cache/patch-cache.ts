import { copyFile, link, lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { readBuildFile } from "../output/safe-fs.ts";
import { assertRealDir } from "./checked-tree.ts";

/** An entry is named by the sha256 of what it was made from (steps/open-next/cached-code-patcher.mjs). */
const ENTRY_NAME = /^[0-9a-f]{64}$/;
/** The list of entries the build read from the cache, written beside its new entries. */
const USED_FILE = "used.json";
/** Next's largest patched file is ~5 MB; anything far larger is not a patched server file. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

/**
 * OpenNext's code patches, cached per project: `<projectCache>/open-next-patches/<key>` holds the
 * patched contents of one traced file. The OpenNext run sees the folder read-only and writes what
 * it patched afresh into `newEntries` in its work dir; after a successful build the host keeps the
 * entries the build used plus the new ones (so the cache holds one build's worth, not every
 * build's) and drops the rest. A new entry is whatever the build wrote, so it is checked like
 * build output first: regular files with our names, bounded, no links. Like node_modules and
 * `.next/cache`, the entries are shared by the project's builds only.
 */
export type PatchCache = ReturnType<typeof patchCache>;

export function patchCache(projectCacheDir: string, workDir: string) {
  const dir = path.join(projectCacheDir, "open-next-patches");
  const newEntries = path.join(workDir, "open-next-patches");
  return {
    dir,
    newEntries,
    /** The folder must exist to be bound into the sandbox, even before the first build fills it. */
    async prepare(): Promise<void> {
      await mkdir(dir, { recursive: true });
      await assertRealDir(dir);
    },
    /** Replaces the cache with the entries the build used and the ones it made; false if it made none. */
    async save(): Promise<boolean> {
      const made = await lstat(newEntries).catch(() => null);
      if (made === null) return false;
      await assertRealDir(newEntries);
      const names = await readdir(newEntries);
      if (names.length > MAX_ENTRIES) throw new Error(`${newEntries} holds ${names.length} entries`);
      const used = parseUsed(
        await readBuildFile(path.join(newEntries, USED_FILE), 1024 * 1024, "patch cache used.json"),
      );
      const fresh = names.filter((name) => name !== USED_FILE);
      for (const name of fresh) {
        if (!ENTRY_NAME.test(name)) throw new Error(`unexpected file ${name} in ${newEntries}`);
        const stat = await lstat(path.join(newEntries, name));
        // A second link would tie the entry to a file elsewhere in the work dir.
        if (!stat.isFile() || stat.nlink !== 1 || stat.size > MAX_ENTRY_BYTES) {
          throw new Error(`${name} in ${newEntries} is not a cacheable file`);
        }
      }
      const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
      await mkdir(staging);
      try {
        for (const name of used) await link(path.join(dir, name), path.join(staging, name)).catch(() => {});
        for (const name of fresh) await moveFile(path.join(newEntries, name), path.join(staging, name));
        const old = `${dir}.old-${process.pid}-${Date.now()}`;
        await rename(dir, old);
        await rename(staging, dir);
        await rm(old, { recursive: true, force: true });
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
      return true;
    },
  };
}

/** The hit list is build output too: only entry names are taken from it. */
function parseUsed(text: Buffer): string[] {
  const value: unknown = JSON.parse(text.toString("utf8"));
  if (!Array.isArray(value)) throw new Error("patch cache used.json is not a list");
  return value.filter((name): name is string => typeof name === "string" && ENTRY_NAME.test(name));
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(from, to);
  }
}
