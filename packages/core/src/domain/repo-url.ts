import { SlipwayError } from "../errors.ts";
import { hasControlChars } from "./chars.ts";
import { redactRepoUrl } from "./repo-credentials.ts";

export type RepoUrlKind = "https" | "ssh" | "scp" | "file";

const HINT = "Use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git.";

/**
 * Checks a repository URL before it reaches git's argv. git treats some "URLs" as commands
 * (`ext::sh -c ...`, `fd::`) and anything starting with `-` as an option, and an ssh host starting
 * with `-` becomes an ssh option (CVE-2017-1000117), so only plain, known shapes pass.
 */
export function validateRepoUrl(url: string): RepoUrlKind {
  // Never echo a token: a refused URL may still carry one.
  const bad = (why: string) => new SlipwayError("INVALID_INPUT", `Repository URL "${redactRepoUrl(url)}" ${why}`, HINT);
  if (url.length === 0) throw bad("is empty");
  if (url.length > 2048) throw bad("is too long");
  if (/\s/.test(url) || hasControlChars(url)) throw bad("contains whitespace or control characters");
  if (url.startsWith("-")) throw bad("starts with '-' and would be read as a git option");
  if (url.includes("::")) throw bad("uses a git remote helper ('::'), which can run commands");

  if (url.startsWith("/")) {
    if (url.split("/").includes("..")) throw bad("contains '..'");
    return "file";
  }
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(.+)$/.exec(url);
  if (scp && !url.includes("://")) {
    const [, , host, path] = scp;
    if (host?.startsWith("-") || path?.startsWith("-")) throw bad("has a host or path starting with '-'");
    if (!scp[1]) throw bad("looks like host:path but has no user (expected git@host:path)");
    return "scp";
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad("is not a valid URL");
  }
  if (parsed.hostname.startsWith("-") || parsed.username.startsWith("-")) {
    throw bad("has a host or user starting with '-'");
  }
  switch (parsed.protocol) {
    case "https:":
    case "ssh:":
      if (parsed.hostname === "") throw bad("has no host");
      return parsed.protocol === "https:" ? "https" : "ssh";
    case "file:":
      if (parsed.hostname !== "") throw bad("must be file:///absolute/path");
      return "file";
    default:
      throw bad(`uses the unsupported scheme "${parsed.protocol}"`);
  }
}
