import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { assertCacheableTree } from "./checked-tree.ts";
import { hardlinkCopy, move } from "./fs-ops.ts";

const exec = promisify(execFile);

/**
 * node_modules cached per project and keyed by the lockfile (plus the command, Node version and
 * CPU). Builds get a hardlink copy: fast, and deleting or replacing files in it (what npm, next
 * and most tools do) never touches the cache. The one thing a hardlink can't stop is a build that
 * rewrites a file *in place* (same inode), so every entry records when it was sealed, and after
 * each build any cached file modified since then gets the whole entry evicted: the next build
 * installs from scratch instead of inheriting a patched tree.
 */
export interface NodeModulesCache {
  key: string;
  /** Hardlinks the cached tree into `nodeModulesDir`; false on a miss. */
  restore(nodeModulesDir: string): Promise<boolean>;
  /**
   * Stores a freshly installed tree under the key, replacing older keys. Its links (npm's bin
   * links, workspace packages) must resolve inside `linkBoundary`, the checkout.
   */
  save(nodeModulesDir: string, linkBoundary: string): Promise<void>;
  /** Evicts the entry if any of its files changed after it was sealed. Returns true if evicted. */
  verify(): Promise<boolean>;
}

export function cacheKey(parts: {
  lockfile: Buffer;
  command: string;
  installDir: string;
  /** The Node.js release the install ran on: native addons are built for its ABI. */
  nodeVersion: string;
}): string {
  const hash = createHash("sha256");
  for (const part of [parts.lockfile, parts.command, parts.installDir, parts.nodeVersion, process.arch]) {
    hash.update(part).update("\0");
  }
  return hash.digest("hex").slice(0, 24);
}

export function nodeModulesCache(projectCacheDir: string, key: string): NodeModulesCache {
  const root = path.join(projectCacheDir, "node_modules");
  const entry = path.join(root, key);
  const tree = path.join(entry, "node_modules");
  const sealFile = path.join(entry, "seal.json");

  return {
    key,
    async restore(target) {
      // The seal is written last: an entry without one is a save that never finished.
      if (!existsSync(sealFile)) return false;
      await rm(target, { recursive: true, force: true });
      await hardlinkCopy(tree, target);
      return true;
    },
    async save(source, linkBoundary) {
      // The install ran user code: the tree could be a link to a host folder, or hold FIFOs.
      await assertCacheableTree(source, { linksAllowed: () => true, boundary: linkBoundary });
      await mkdir(root, { recursive: true });
      const staging = path.join(root, `.staging-${key}-${process.pid}-${Date.now()}`);
      await mkdir(staging);
      await hardlinkCopy(source, path.join(staging, "node_modules"));
      // Its mtime is the seal: files changed after it were changed by a build.
      await writeFile(path.join(staging, "seal.json"), JSON.stringify({ sealedAt: new Date().toISOString() }));
      // Keep one entry per project: a new lockfile makes the old tree dead weight.
      for (const name of await readdir(root)) {
        if (name !== path.basename(staging)) await rm(path.join(root, name), { recursive: true, force: true });
      }
      await move(staging, entry);
    },
    async verify() {
      if (!existsSync(sealFile)) return false;
      if (!(await modifiedSince(tree, sealFile))) return false;
      await rm(entry, { recursive: true, force: true });
      return true;
    },
  };
}

/**
 * Any regular file in the tree with an mtime newer than the seal file. GNU find does the walk in
 * one process: ~10x faster than stat-ing 10k files from JS.
 */
async function modifiedSince(tree: string, sealFile: string): Promise<boolean> {
  const { stdout } = await exec("find", [tree, "-type", "f", "-newer", sealFile, "-print", "-quit"], {
    env: { PATH: "/usr/bin:/bin" },
  });
  return stdout.trim().length > 0;
}
