import { SlipwayError } from "../errors.ts";

const SHA = /^[0-9a-f]{40}$/;
// git check-ref-format rules that matter here, plus no leading "-" so a ref can never be an option.
const BAD_REF = /(^[-./])|(\.\.)|([~^:?*[\\ ])|(@\{)|(\.lock$)|(\/$)|(\.$)|(\/\.)|(\/\/)/;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function isSha(ref: string): boolean {
  return SHA.test(ref);
}

export function validateBranchName(branch: string): string {
  if (branch.length === 0 || branch.length > 255 || BAD_REF.test(branch) || hasControlCharacter(branch)) {
    throw new SlipwayError(
      "INVALID_REF",
      `"${branch}" is not a valid branch name.`,
      "Branch names cannot start with '-', '.' or '/', nor contain spaces, '..', '~', '^', ':', '?', '*', '[' or '\\'.",
    );
  }
  return branch;
}

/** Repository URLs are handed to git as an argument: only plain transports, never `ext::` or an option. */
export function validateRepoUrl(url: string): string {
  const ok =
    /^(https?|ssh|git|file):\/\/[^\s]+$/.test(url) || /^[\w.-]+@[\w.-]+:[^\s]+$/.test(url) || /^\/[^\s]*$/.test(url);
  if (!ok || url.startsWith("-")) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Repository "${url}" is not a git URL Slipway accepts.`,
      "Use https://host/owner/repo.git, git@host:owner/repo.git, ssh://…, file://… or an absolute path.",
    );
  }
  return url;
}

export function validateRootDir(dir: string): string {
  const clean = dir.replace(/^\.\/?/, "").replace(/\/+$/, "");
  if (clean.startsWith("/") || clean.split("/").some((part) => part === ".." || part === ".")) {
    throw new SlipwayError("INVALID_INPUT", `Root directory "${dir}" must be a relative path inside the repository.`);
  }
  return clean;
}
