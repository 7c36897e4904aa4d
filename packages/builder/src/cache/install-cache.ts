import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { assertCacheableTree } from "./checked-tree.ts";
import { hardlinkCopy, move } from "./fs-ops.ts";
import { type InstallOutput, isPlainFolderInside } from "./install-output.ts";

const exec = promisify(execFile);

/**
 * What an install produced, cached per project and keyed by the lockfile (plus the command, the
 * package manager's version, Node version and CPU): every new folder and file in the checkout
 * (the root node_modules, each workspace package's node_modules, `.pnp.cjs`, a postinstall's
 * output), so a restore gives the build exactly what the install would have.
 *
 * Builds get hardlink copies: fast, and deleting or replacing files in them (what npm, next and
 * most tools do) never touches the cache. The one thing a hardlink can't stop is a build that
 * rewrites a file *in place* (same inode), so every entry records when it was sealed, and after
 * each build any cached file modified since then gets the whole entry evicted: the next build
 * installs from scratch instead of inheriting a patched tree.
 */
export interface InstallCache {
  key: string;
  /** Hardlinks everything the cached install produced into the checkout; false on a miss. */
  restore(repoDir: string): Promise<boolean>;
  /**
   * Stores what a fresh install produced under the key, replacing older keys. Links in it (bin
   * links, workspace packages, pnpm's tree) must resolve inside the checkout.
   */
  save(repoDir: string, output: InstallOutput): Promise<void>;
  /** Evicts the entry if any of its files changed after it was sealed. Returns true if evicted. */
  verify(): Promise<boolean>;
}

export function cacheKey(parts: {
  lockfile: Buffer;
  command: string;
  installDir: string;
  manager: string;
  /** The Node.js release the install ran on: native addons are built for its ABI. */
  nodeVersion: string;
}): string {
  const hash = createHash("sha256");
  for (const part of [
    parts.lockfile,
    parts.command,
    parts.installDir,
    parts.manager,
    parts.nodeVersion,
    process.arch,
  ]) {
    hash.update(part).update("\0");
  }
  return hash.digest("hex").slice(0, 24);
}

export function installCache(projectCacheDir: string, key: string): InstallCache {
  const root = path.join(projectCacheDir, "install");
  const entry = path.join(root, key);
  const tree = path.join(entry, "tree");
  const unitsFile = path.join(entry, "units.json");
  const sealFile = path.join(entry, "seal.json");

  return {
    key,
    async restore(repoDir) {
      // The seal is written last: an entry without one is a save that never finished.
      if (!existsSync(sealFile)) return false;
      const units = parseUnits(await readFile(unitsFile, "utf8"));
      if (units === null) return false;
      // Only into real folders of this checkout, and never over something it already has (this
      // commit may track a path an older install produced, or link a folder out of the checkout).
      for (const unit of units) {
        if (!(await isPlainFolderInside(repoDir, path.dirname(unit)))) return false;
        if (await lstat(path.join(repoDir, unit)).catch(() => null)) return false;
      }
      for (const unit of units) await hardlinkCopy(path.join(tree, unit), path.join(repoDir, unit));
      return true;
    },
    async save(repoDir, output) {
      // The install ran user code: what it produced could be a link to a host folder, or hold FIFOs.
      for (const unit of output.produced) {
        const source = path.join(repoDir, unit);
        const stat = await lstat(source);
        if (stat.isDirectory()) await assertCacheableTree(source, { linksAllowed: () => true, boundary: repoDir });
        else if (!stat.isFile()) throw new Error(`${unit} is neither a folder nor a regular file`);
      }
      await mkdir(root, { recursive: true });
      const staging = path.join(root, `.staging-${key}-${process.pid}-${Date.now()}`);
      await mkdir(path.join(staging, "tree"), { recursive: true });
      for (const unit of output.produced) {
        const target = path.join(staging, "tree", unit);
        await mkdir(path.dirname(target), { recursive: true });
        await hardlinkCopy(path.join(repoDir, unit), target);
      }
      await writeFile(path.join(staging, "units.json"), JSON.stringify(output.produced));
      // Its mtime is the seal: files changed after it were changed by a build.
      await writeFile(path.join(staging, "seal.json"), JSON.stringify({ sealedAt: new Date().toISOString() }));
      // Keep one entry per project: a new lockfile makes the old tree dead weight.
      for (const name of await readdir(root)) {
        if (name !== path.basename(staging)) await rm(path.join(root, name), { recursive: true, force: true });
      }
      // The cache before this layout kept only the lockfile folder's node_modules.
      await rm(path.join(projectCacheDir, "node_modules"), { recursive: true, force: true });
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

/** The host wrote units.json, but a path that climbs out of the checkout is never used anyway. */
function parseUnits(text: string): string[] | null {
  const units: unknown = JSON.parse(text);
  if (!Array.isArray(units)) return null;
  const ok = units.every(
    (unit) => typeof unit === "string" && unit !== "" && !path.isAbsolute(unit) && !unit.split("/").includes(".."),
  );
  return ok ? (units as string[]) : null;
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
