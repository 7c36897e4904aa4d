import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { artifactLinksAllowed, checkArtifactTree, describeTreeProblem, isInsideDir } from "@slipway/core";
import { x as extractTar, type ReadEntry } from "tar";

const ALLOWED_TYPES = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink", "Link"]);

/**
 * Unpacks an artifact tar into `dir` (which must exist and be empty). node-tar already strips
 * absolute paths and refuses `..` while `preservePaths` is off; on top of that we reject device
 * files and FIFOs, and links whose target would resolve outside `dir`, so nothing in the
 * artifact can point a worker (or the edge) at the rest of the machine. Any rejected entry fails
 * the whole extraction (`strict`): an artifact that tries this is not one we built. Text checks
 * cannot see a chain of links that each stay inside but together step out, so the unpacked tree
 * is then checked on disk with the builder's own rules (core's `checkArtifactTree`).
 */
export async function extractArtifact(tar: Readable, dir: string): Promise<void> {
  const root = path.resolve(dir);
  let rejected: string | null = null;
  const filter = (entryPath: string, entry: unknown): boolean => {
    const e = entry as ReadEntry;
    const target = path.resolve(root, entryPath);
    if (!isInsideDir(root, target)) rejected ??= `entry ${entryPath} escapes the artifact`;
    else if (!ALLOWED_TYPES.has(e.type)) rejected ??= `entry ${entryPath} has type ${e.type}`;
    else if (e.type === "SymbolicLink" && !linkStaysInside(root, target, e.linkpath))
      rejected ??= `symlink ${entryPath} → ${e.linkpath} escapes the artifact`;
    else if (e.type === "Link" && !isInsideDir(root, path.resolve(root, e.linkpath ?? "")))
      rejected ??= `hard link ${entryPath} escapes the artifact`;
    return rejected === null;
  };
  await pipeline(tar, extractTar({ cwd: root, strict: true, preservePaths: false, filter, noChmod: true }));
  if (rejected) throw new Error(`unsafe artifact: ${rejected}`);
  const [problem] = await checkArtifactTree(root, { linksAllowed: artifactLinksAllowed, maxProblems: 1 });
  if (problem) throw new Error(`unsafe artifact: ${describeTreeProblem(problem, "artifact", ".")}`);
}

function linkStaysInside(root: string, linkFile: string, linkpath: string | undefined): boolean {
  if (!linkpath || path.isAbsolute(linkpath)) return false;
  return isInsideDir(root, path.resolve(path.dirname(linkFile), linkpath));
}
