/**
 * A stored response's header lines, laid out once when it is stored as the flat
 * `[name, value, name, value, …]` list `writeHead` takes, so a hit copies one short array
 * instead of spreading a header object and walking its keys on every request.
 */
export interface StoredHead {
  /** Every stored header plus `content-length`, for a full answer. */
  readonly full: readonly string[];
  /** The same without `content-type` and `content-length`, for a 304. */
  readonly notModified: readonly string[];
  readonly etag: string | undefined;
}

export function storedHead(headers: Readonly<Record<string, string | string[]>>, bodyBytes: number): StoredHead {
  const notModified: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === "content-type") continue;
    for (const one of Array.isArray(value) ? value : [value]) notModified.push(name, one);
  }
  const contentType = headers["content-type"];
  const full = [...notModified, "content-length", String(bodyBytes)];
  if (typeof contentType === "string") full.push("content-type", contentType);
  const etag = headers.etag;
  return { full, notModified, etag: typeof etag === "string" ? etag : undefined };
}

/** `head` followed by the per-answer headers (and `extra` lines, such as HSTS), in one array. */
export function withAnswerHeaders(
  head: readonly string[],
  age: string,
  state: string,
  requestId: string,
  extra?: readonly string[],
): string[] {
  const lines = head.slice();
  lines.push("age", age, "x-nextjs-cache", state, "x-slipway-cache", state, "x-request-id", requestId);
  if (extra) for (const line of extra) lines.push(line);
  return lines;
}
