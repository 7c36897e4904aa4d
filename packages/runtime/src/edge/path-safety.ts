/**
 * Turns a raw request path into the key of a static asset, or null when the path is not one we
 * would ever serve from disk: malformed percent-encoding, NUL bytes, backslashes, or `..`/`.`
 * segments (before or after decoding). The edge only serves files from an index built from the
 * assets folder (regular files only, links skipped), so a key can never leave that folder.
 */
export function assetKey(rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith("/") || decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.split("/");
  for (const segment of segments) if (segment === ".." || segment === ".") return null;
  // Collapse repeated slashes: `//_next//static/x.js` names the same file.
  return `/${segments.filter(Boolean).join("/")}`;
}
