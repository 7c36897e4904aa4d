import { type Dirent, lstatSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

/** Size and mtime of every entry of the checkout before the install, by path relative to it. */
export type TreeSnapshot = Map<string, string>;

export interface InstallOutput {
  /** The topmost new paths, relative to the checkout: `node_modules`, `apps/web/node_modules`, `.pnp.cjs`. */
  produced: string[];
  /** Files of the checkout that the install changed in place (a postinstall rewriting a source). */
  changed: string[];
}

const SKIP = new Set([".git"]);

/** Records the checkout before the install, without following links. */
export async function snapshotTree(root: string): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = new Map();
  await walk(root, "", async (rel, entry) => {
    snapshot.set(rel, fingerprint(path.join(root, rel), entry));
    return entry.isDirectory();
  });
  return snapshot;
}

/**
 * What the install added (each new folder as one unit, not descended into) and which existing
 * files it changed: everything a later build needs that an install produced, whatever the
 * package manager, wherever the workspace packages are and whatever their postinstall wrote.
 */
export async function findInstallOutput(root: string, before: TreeSnapshot): Promise<InstallOutput> {
  const produced: string[] = [];
  const changed: string[] = [];
  await walk(root, "", async (rel, entry) => {
    const previous = before.get(rel);
    if (previous === undefined) {
      produced.push(rel);
      return false;
    }
    if (entry.isDirectory()) return true;
    if (previous !== fingerprint(path.join(root, rel), entry)) changed.push(rel);
    return false;
  });
  return { produced: produced.sort(), changed: changed.sort() };
}

function fingerprint(file: string, entry: Dirent): string {
  if (entry.isDirectory()) return "dir";
  const stat = lstatSync(file, { throwIfNoEntry: false });
  return stat ? `${entry.isSymbolicLink() ? "link" : "file"}:${stat.size}:${stat.mtimeMs}` : "gone";
}

/** Depth-first over `root`, never through links; `visit` says whether to descend into a folder. */
async function walk(root: string, rel: string, visit: (rel: string, entry: Dirent) => Promise<boolean>) {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  for (const entry of entries) {
    if (rel === "" && SKIP.has(entry.name)) continue;
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if ((await visit(child, entry)) && entry.isDirectory()) await walk(root, child, visit);
  }
}

/** True when `dir` (relative to root) is a real folder reached without links: safe to write into. */
export async function isPlainFolderInside(root: string, rel: string): Promise<boolean> {
  let current = root;
  for (const part of rel.split("/").filter(Boolean)) {
    current = path.join(current, part);
    const stat = await lstat(current).catch(() => null);
    if (!stat?.isDirectory()) return false;
  }
  return true;
}
