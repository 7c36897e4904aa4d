import { SlipwayError } from "../errors.ts";

const HINT =
  "Blob keys are relative, '/'-separated paths such as 'artifacts/<id>.tar.gz': no '..', '.', '\\' or empty parts.";

/**
 * Returns the key's segments, or throws naming the key. Keys become filesystem paths, so anything
 * that could climb out of the root (`..`, an absolute path, a Windows separator) is refused here,
 * before any path is built from it.
 */
export function keySegments(key: string): string[] {
  const reason = invalidKeyReason(key);
  if (reason) throw new SlipwayError("INVALID_INPUT", `Invalid blob key ${JSON.stringify(key)}: ${reason}`, HINT);
  return key.split("/");
}

/**
 * Segments of the folder a list prefix lives in: "a/b/c" lists under "a/b" and keeps the keys
 * that start with the whole prefix. The part before the last `/` must be a valid key; the rest
 * is only compared as a string, so it cannot climb out.
 */
export function prefixSegments(prefix: string): string[] {
  if (prefix === "") return [];
  const slash = prefix.lastIndexOf("/");
  const dir = prefix.slice(0, Math.max(slash, 0));
  const reason = slash === -1 ? null : invalidKeyReason(dir);
  if (reason) throw new SlipwayError("INVALID_INPUT", `Invalid blob prefix ${JSON.stringify(prefix)}: ${reason}`, HINT);
  return slash === -1 ? [] : dir.split("/");
}

function invalidKeyReason(key: string): string | null {
  if (key === "") return "it is empty";
  if (key.includes("\\")) return "it contains a backslash";
  if (key.includes("\0")) return "it contains a NUL byte";
  if (key.startsWith("/")) return "it is absolute";
  for (const segment of key.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (segment === "." || segment === "..") return `it has a '${segment}' segment`;
  }
  return null;
}
