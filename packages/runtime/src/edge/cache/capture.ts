import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export interface Captured {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export interface CaptureOptions {
  readonly maxBytes: number;
  /** May change the response headers before they are sent (e.g. an image's Cache-Control). */
  readonly rewriteHeaders?: (status: number, headers: Record<string, string | string[]>) => void;
  /**
   * Decides from the status and headers (after `rewriteHeaders`) whether the body is worth
   * copying at all: a response that can never be stored (SSR's `no-store`, a dynamic route
   * handler) then streams through untouched, without a copy of every chunk kept to the end.
   */
  readonly wanted?: (status: number, headers: Readonly<Record<string, string | string[]>>) => boolean;
  /** Called once the response completed within `maxBytes`; never for a cut, oversized or unwanted one. */
  readonly onComplete: (captured: Captured) => void;
}

/**
 * Copies a response while it streams to the client, whoever writes it (the function host pipes
 * the worker's answer into `res`): the client gets every chunk when it is written, never later.
 * The copy is given up as soon as it passes `maxBytes` or the client goes away.
 */
export function captureResponse(res: ServerResponse, options: CaptureOptions): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let abandoned = false;
  let status = 0;
  let headers: Record<string, string | string[]> | null = null;

  const keep = (chunk: unknown, encoding?: unknown) => {
    if (abandoned || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buffer =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.isBuffer(chunk)
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk)
            : null;
    if (!buffer) {
      abandoned = true;
      return;
    }
    size += buffer.length;
    if (size > options.maxBytes) {
      abandoned = true;
      chunks.length = 0;
      return;
    }
    chunks.push(buffer);
  };

  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    const given = rest.find((arg) => arg !== null && typeof arg === "object") as OutgoingHttpHeaders | unknown[];
    if (Array.isArray(given)) abandoned = true; // raw header arrays: not worth parsing to cache
    const merged = flatten({ ...res.getHeaders(), ...(Array.isArray(given) ? {} : given) });
    options.rewriteHeaders?.(code, merged);
    if (options.wanted && !options.wanted(code, merged)) {
      abandoned = true;
      chunks.length = 0;
    }
    status = code;
    headers = merged;
    const reason = rest.find((arg) => typeof arg === "string");
    for (const name of res.getHeaderNames()) if (!(name in merged)) res.removeHeader(name);
    const original = writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
    if (Array.isArray(given)) return original.call(this, code, ...rest);
    return reason === undefined ? original.call(this, code, merged) : original.call(this, code, reason, merged);
  } as typeof res.writeHead;

  const write = res.write;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;

  const end = res.end;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;

  res.once("finish", () => {
    if (abandoned) return;
    // Headers set with setHeader and flushed implicitly by the first write.
    const finalHeaders = headers ?? flatten(res.getHeaders());
    options.onComplete({ status: status || res.statusCode, headers: finalHeaders, body: Buffer.concat(chunks, size) });
  });
  res.once("close", () => {
    if (!res.writableFinished) abandoned = true;
  });
}

function flatten(headers: OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}
