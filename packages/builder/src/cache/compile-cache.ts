import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { saveCheckedTree } from "./checked-tree.ts";
import { move } from "./fs-ops.ts";

/**
 * Node's compile cache (NODE_COMPILE_CACHE: V8 code for every module it loads, Node ≥ 22.1) for
 * the build's tools, kept per project: next build, its workers and OpenNext load the same
 * thousands of modules in every build. Like `.next/cache` it is moved into the build's work dir
 * before the build and moved back only after a successful one, checked first (plain files and
 * folders, no links). Node checks each entry against the module's source before using it; a
 * build could still write entries that a later build of the same project loads, the same trust
 * as `.next/cache` and node_modules, which are shared by one project's builds only.
 */
export function compileCache(projectCacheDir: string, workDir: string) {
  const stored = path.join(projectCacheDir, "compile-cache");
  const live = path.join(workDir, "compile-cache");
  return {
    /** The folder the build's NODE_COMPILE_CACHE points at. */
    live,
    async restore(): Promise<boolean> {
      if (!existsSync(stored)) {
        await mkdir(live, { recursive: true });
        return false;
      }
      await move(stored, live);
      return true;
    },
    save: () => saveCheckedTree(live, stored),
  };
}
