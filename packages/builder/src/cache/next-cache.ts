import { existsSync } from "node:fs";
import { lstat, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { assertRealDir, saveCheckedTree } from "./checked-tree.ts";
import { move } from "./fs-ops.ts";

/**
 * `.next/cache` between builds of a project. Moved in before the build and moved back only after a
 * successful one: a failed or killed build may leave it half-written, so it is dropped instead.
 * `.next` comes from the repository or the build, so it may be a link: the host then neither
 * restores into it nor saves from it (a rename through it would move some other folder).
 */
export function nextCache(projectCacheDir: string, appDir: string) {
  const stored = path.join(projectCacheDir, "next-cache");
  const live = path.join(appDir, ".next", "cache");
  return {
    async restore(): Promise<boolean> {
      if (!existsSync(stored)) return false;
      const dotNext = path.dirname(live);
      const existing = await lstat(dotNext).catch(() => null);
      if (existing && !existing.isDirectory()) throw new Error(`${dotNext} in the repository is not a folder`);
      await mkdir(dotNext, { recursive: true });
      await assertRealDir(dotNext);
      await rm(live, { recursive: true, force: true });
      await move(stored, live);
      return true;
    },
    // Next writes no links into its cache; a build that did is not trusted with the next one.
    save: () => saveCheckedTree(live, stored),
  };
}
