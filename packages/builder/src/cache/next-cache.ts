import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { move } from "./fs-ops.ts";

/**
 * `.next/cache` between builds of a project. Moved in before the build and moved back only after a
 * successful one: a failed or killed build may leave it half-written, so it is dropped instead.
 */
export function nextCache(projectCacheDir: string, appDir: string) {
  const stored = path.join(projectCacheDir, "next-cache");
  const live = path.join(appDir, ".next", "cache");
  return {
    async restore(): Promise<boolean> {
      if (!existsSync(stored)) return false;
      await mkdir(path.dirname(live), { recursive: true });
      await rm(live, { recursive: true, force: true });
      await move(stored, live);
      return true;
    },
    async save(): Promise<boolean> {
      if (!existsSync(live)) return false;
      await rm(stored, { recursive: true, force: true });
      await move(live, stored);
      return true;
    },
  };
}
