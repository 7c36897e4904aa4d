import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { hasControlChars, SlipwayError } from "@slipway/core";

const HINT = 'Use a folder inside the repository, relative to its root, e.g. "apps/web" (or "" for the root).';

/** Normalises a project's root directory: relative, no `..`, inside the repository. Pure. */
export function normalizeRootDir(rootDir: string): string {
  const bad = (why: string) => new SlipwayError("INVALID_INPUT", `Root directory "${rootDir}" ${why}`, HINT);
  if (hasControlChars(rootDir)) throw bad("contains control characters");
  if (rootDir.startsWith("/") || /^[A-Za-z]:/.test(rootDir)) throw bad("must be relative");
  const normalized = path.posix.normalize(rootDir === "" ? "." : rootDir).replace(/\/+$/, "");
  if (normalized === ".." || normalized.startsWith("../")) throw bad("points outside the repository");
  return normalized === "." ? "" : normalized;
}

/** Resolves the root directory in a checkout, refusing symlinks that lead outside it. */
export function resolveRootDir(repoDir: string, rootDir: string): string {
  const relative = normalizeRootDir(rootDir);
  const bad = (why: string) => new SlipwayError("INVALID_INPUT", `Root directory "${rootDir}" ${why}`, HINT);
  const candidate = path.join(repoDir, relative);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw bad("does not exist in the repository");
  }
  const repoReal = realpathSync(repoDir);
  if (real !== repoReal && !real.startsWith(`${repoReal}/`)) throw bad("leads outside the repository");
  if (!statSync(real).isDirectory()) throw bad("is not a folder");
  return real;
}
