import { hasControlChars } from "../domain/chars.ts";
import { SlipwayError } from "../errors.ts";

const SHA = /^[0-9a-f]{40}$/;
// git check-ref-format rules that matter here, plus no leading "-" so a ref can never be an option.
const BAD_REF = /(^[-./])|(\.\.)|([~^:?*[\\ ])|(@\{)|(\.lock$)|(\/$)|(\.$)|(\/\.)|(\/\/)/;

export function isSha(ref: string): boolean {
  return SHA.test(ref);
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

export function validateRootDir(dir: string): string {
  const clean = dir.replace(/^\.\/?/, "").replace(/\/+$/, "");
  if (clean.startsWith("/") || clean.split("/").some((part) => part === ".." || part === ".")) {
    throw new SlipwayError("INVALID_INPUT", `Root directory "${dir}" must be a relative path inside the repository.`);
  }
  return clean;
}
