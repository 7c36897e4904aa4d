import { readFileSync, statSync } from "node:fs";

/**
 * True while `bundle` is newer than every source listed in `inputsList` (a JSON array of paths
 * relative to `base`, as the build wrote it); false when it was never built, a source is newer
 * (edited since) or gone.
 */
export function isBundleFresh(bundle: URL, inputsList: URL, base: URL): boolean {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const inputs: unknown = JSON.parse(readFileSync(inputsList, "utf8"));
    if (!Array.isArray(inputs)) return false;
    return inputs.every((file) => typeof file === "string" && statSync(new URL(file, base)).mtimeMs < builtAt);
  } catch {
    return false;
  }
}
