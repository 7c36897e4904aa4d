import { existsSync } from "node:fs";
import { lstat, mkdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import { checkArtifactTree, describeTreeProblem, type TreeRules } from "@slipway/core";
import { move } from "./fs-ops.ts";

/**
 * Before a tree the build wrote is moved or copied into the project's cache: it must be the real
 * folder at `dir` (no link on the way, which would make the host copy some other folder into the
 * cache and hand it to the next build) and hold no FIFOs or devices; links only as `rules` allow.
 * Throws: saving a cache is best effort, so the build goes on without one.
 */
export async function assertCacheableTree(dir: string, rules: TreeRules): Promise<void> {
  await assertRealDir(dir);
  const [problem] = await checkArtifactTree(dir, { ...rules, maxProblems: 1 });
  if (problem) throw new Error(describeTreeProblem(problem, "the folder", dir));
}

/** `dir` is a folder reached without any link (its own name included). */
export async function assertRealDir(dir: string): Promise<void> {
  const stat = await lstat(dir);
  if (!stat.isDirectory() || (await realpath(dir)) !== dir) throw new Error(`${dir} is not a plain folder`);
}

/**
 * After a successful build: the folder the build wrote at `live` replaces the stored one, once
 * checked (no links: the next build gets it). False when the build left none.
 */
export async function saveCheckedTree(live: string, stored: string): Promise<boolean> {
  if (!existsSync(live)) return false;
  await assertCacheableTree(live, {});
  await rm(stored, { recursive: true, force: true });
  await mkdir(path.dirname(stored), { recursive: true });
  await move(live, stored);
  return true;
}
