import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { SlipwayError, validateRootDir } from "@slipway/core";

const HINT = 'Use a folder inside the repository, relative to its root, e.g. "apps/web" (or "" for the root).';

/** Resolves the root directory in a checkout, refusing symlinks that lead outside it. */
export function resolveRootDir(repoDir: string, rootDir: string): string {
  const relative = validateRootDir(rootDir);
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
