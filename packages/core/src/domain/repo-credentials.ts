import { SlipwayError } from "../errors.ts";
import { hasControlChars } from "./chars.ts";

/** The user and token of an https repository URL (`https://user:token@host/...`). */
export interface RepoCredential {
  username: string;
  /** "" when the token is the user part (`https://<token>@github.com/...`). */
  password: string;
}

/** The secret of a credential: the password, or the user part when the token is written there. */
export function repoToken(credential: RepoCredential): string {
  return credential.password || credential.username;
}

const SCHEME_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/**
 * Splits the credential off an https repository URL, so it can be stored encrypted and the URL
 * shown anywhere. Other schemes keep their user (`ssh://git@host`), which is not a secret, but a
 * password in them is refused: nothing would protect it.
 */
export function splitRepoCredential(url: string): { url: string; credential: RepoCredential | null } {
  const match = SCHEME_USERINFO.exec(url);
  if (!match) return { url, credential: null };
  const [whole, scheme = "", userinfo = ""] = match;
  const bad = (why: string) =>
    new SlipwayError(
      "INVALID_INPUT",
      `Repository URL "${redactRepoUrl(url)}" ${why}`,
      "Use https://user:token@host/owner/repo.git (the token is stored encrypted) or an ssh URL with a deploy key.",
    );
  if (scheme.toLowerCase() !== "https://") {
    if (userinfo.includes(":")) throw bad("carries a password; only https URLs may carry a token");
    return { url, credential: null };
  }
  const colon = userinfo.indexOf(":");
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon), bad);
  const password = decode(colon === -1 ? "" : userinfo.slice(colon + 1), bad);
  if (username === "" && password === "") return { url: scheme + url.slice(whole.length), credential: null };
  // A newline would end a line of git's credential protocol early and inject another field.
  if (hasControlChars(username) || hasControlChars(password)) throw bad("has control characters in its credential");
  return { url: scheme + url.slice(whole.length), credential: { username, password } };
}

function decode(part: string, bad: (why: string) => SlipwayError): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad("has a malformed %-escape in its credential");
  }
}

/**
 * Hides the user part of a URL for messages: `https://user:token@host/x` → `https://***@host/x`,
 * also `user:token@host:path`. A plain ssh user (`git@host:path`, `ssh://git@host/x`) is kept.
 */
export function redactRepoUrl(url: string): string {
  const match = SCHEME_USERINFO.exec(url);
  if (match) {
    const [whole, scheme = "", userinfo = ""] = match;
    const isHttp = /^https?:\/\/$/i.test(scheme);
    return isHttp || userinfo.includes(":") ? `${scheme}***@${url.slice(whole.length)}` : url;
  }
  return url.replace(/^[^/@:]*:[^/]*@/, "***@");
}

/** How a project's repository is shown: with `***@` when a stored credential goes with it. */
export function displayRepoUrl(url: string, hasCredential: boolean): string {
  return hasCredential ? url.replace(/^https:\/\//i, "https://***@") : url;
}

/** The values to hide in logs and messages: the token, and the user when it is the token. */
export function credentialSecrets(credential: RepoCredential | null): string[] {
  if (!credential) return [];
  return credential.password ? [credential.password] : [credential.username];
}

// git asks this helper for credentials; it prints them from its environment, so they are never
// on a command line (`ps` shows argv to every user) nor in a file.
const HELPER = `!f() { if [ "$1" = get ]; then printf 'username=%s\\npassword=%s\\n' "$SLIPWAY_GIT_USERNAME" "$SLIPWAY_GIT_PASSWORD"; fi; }; f`;

/**
 * `-c` flags for a git command that reads a repository: no configured helper (the host's own
 * store must not answer), then Slipway's, which answers only when `gitCredentialEnv` is set.
 */
export function gitCredentialArgs(credential: RepoCredential | null): string[] {
  return credential ? ["-c", "credential.helper=", "-c", `credential.helper=${HELPER}`] : ["-c", "credential.helper="];
}

export function gitCredentialEnv(credential: RepoCredential | null): Record<string, string> {
  return credential ? { SLIPWAY_GIT_USERNAME: credential.username, SLIPWAY_GIT_PASSWORD: credential.password } : {};
}

/** Removes every credential value from a text that may echo it (git errors, build failure reasons). */
export function scrubCredential(text: string, credential: RepoCredential | null): string {
  let out = text;
  for (const secret of credentialSecrets(credential)) {
    if (secret.length >= 2) out = out.split(secret).join("***");
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && encoded.length >= 2) out = out.split(encoded).join("***");
  }
  return out;
}
