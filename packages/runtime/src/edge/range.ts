export type RangeResult = { start: number; end: number } | "unsatisfiable" | null;

/**
 * Parses a `Range` header for a resource of `size` bytes (RFC 9110 §14). Only one byte range is
 * honoured; multiple ranges or anything malformed yield null, meaning "send the whole file",
 * which the RFC allows. Returns inclusive offsets.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
