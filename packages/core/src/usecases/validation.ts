import path from "node:path";
import { hasControlChars } from "../domain/chars.ts";
import { NODE_VERSIONS, type NodeVersion } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";

const SHA = /^[0-9a-f]{40}$/;
// git check-ref-format rules that matter here, plus no leading "-" so a ref can never be an option.
const BAD_REF = /(^[-./])|(\.\.)|([~^:?*[\\ ])|(@\{)|(\.lock$)|(\/$)|(\.$)|(\/\.)|(\/\/)/;

/** A full commit id: 40 lowercase hex characters. */
export function isSha(ref: string): boolean {
  return SHA.test(ref);
}

/** Builds are pinned to a full commit id: a branch name or short sha could move under us. */
export function validateSha(sha: string): string {
  if (!isSha(sha)) {
    throw new SlipwayError(
      "INVALID_REF",
      `Commit "${sha}" is not a full 40-character lowercase hex sha`,
      "Pass the full commit id, e.g. from `git rev-parse HEAD`.",
    );
  }
  return sha;
}

export function validateBranchName(branch: string): string {
  if (branch.length === 0 || branch.length > 255 || BAD_REF.test(branch) || hasControlChars(branch)) {
    throw new SlipwayError(
      "INVALID_REF",
      `"${branch}" is not a valid branch name.`,
      "Branch names cannot start with '-', '.' or '/', nor contain spaces, '..', '~', '^', ':', '?', '*', '[' or '\\'.",
    );
  }
  return branch;
}

const ROOT_DIR_HINT = 'Use a folder inside the repository, relative to its root, e.g. "apps/web" (or "" for the root).';

/**
 * Normalises a project's root directory: relative, no control characters, never above the
 * repository's root (`apps/../web` is `web`). Pure: the builder checks links in the checkout.
 */
export function validateRootDir(rootDir: string): string {
  const bad = (why: string) => new SlipwayError("INVALID_INPUT", `Root directory "${rootDir}" ${why}`, ROOT_DIR_HINT);
  if (hasControlChars(rootDir)) throw bad("contains control characters");
  if (rootDir.startsWith("/") || /^[A-Za-z]:/.test(rootDir)) throw bad("must be relative");
  const normalized = path.posix.normalize(rootDir === "" ? "." : rootDir).replace(/\/+$/, "");
  if (normalized === ".." || normalized.startsWith("../")) throw bad("points outside the repository");
  return normalized === "." ? "" : normalized;
}

/** A Node.js major version the toolchain provides: "20", "22" or "24" ("22.x" and "v22" accepted). */
export function validateNodeVersion(version: string): NodeVersion {
  const major = version.trim().replace(/^v/, "").replace(/\.x$/, "");
  const known = NODE_VERSIONS.find((candidate) => candidate === major);
  if (!known) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Node.js version "${version}" is not supported.`,
      `Use one of ${NODE_VERSIONS.join(", ")} (a major version, as on Vercel and Lambda).`,
    );
  }
  return known;
}
