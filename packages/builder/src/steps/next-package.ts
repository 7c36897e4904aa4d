import path from "node:path";
import { readInside } from "../output/safe-fs.ts";

const PACKAGE_JSON_LIMIT = 1024 * 1024;

/**
 * next's package.json where Node would find it from the app: the app's own node_modules (pnpm, an
 * npm app), else each folder above up to the checkout's root (npm, Yarn and bun workspaces hoist
 * it). Only a file that resolves inside the checkout counts; null when there is none.
 */
export async function readNextPackageJson(appDir: string, repoDir: string): Promise<Buffer | null> {
  let dir = appDir;
  for (;;) {
    const found = await readInside(repoDir, path.join(dir, "node_modules", "next", "package.json"), PACKAGE_JSON_LIMIT);
    if (found !== null) return found;
    if (dir === repoDir || !dir.startsWith(`${repoDir}/`)) return null;
    dir = path.dirname(dir);
  }
}
