import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip } from "node:zlib";
import type { InternalEvent, InternalResult } from "@opennextjs/aws/types/open-next.js";
import type { ProxyExternalRequest } from "@opennextjs/aws/types/overrides.js";
import { isBinaryContentType } from "@opennextjs/aws/utils/binary.js";

/**
 * Rewrites to an external URL (`rewrites()` or middleware `NextResponse.rewrite(absoluteUrl)`).
 * OpenNext's `node` proxy has no error listener on its request, so a host that does not resolve
 * (ENOTFOUND) or refuses the connection threw an uncaught exception and took the whole worker,
 * and every request in flight on it, down. It also always used `node:https` without checking
 * certificates. Here the scheme picks the client, certificates are checked, and a failed
 * upstream answers 502 Bad Gateway for this request only (as Vercel does).
 */
const REQUEST_HEADERS_DROPPED = new Set([
  "host",
  "x-forwarded-host",
  "connection",
  "via",
  "x-cache",
  "transfer-encoding",
  "content-encoding",
  "content-length",
]);
/** Hop-by-hop and framing headers of the upstream answer: the body is decoded and re-framed here. */
const RESPONSE_HEADERS_DROPPED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
]);
const TIMEOUT_MS = 30_000;

function requestHeaders(event: InternalEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.headers)) {
    const name = key.toLowerCase();
    if (value === undefined || REQUEST_HEADERS_DROPPED.has(name) || name.startsWith("x-amz")) continue;
    out[name] = String(value);
  }
  // Like Next.js: the upstream learns the original host, never a client-sent x-forwarded-host.
  if (event.headers.host) out["x-forwarded-host"] = event.headers.host;
  return out;
}

function badGateway(url: string, error: unknown): InternalResult {
  const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  console.error(`[slipway] external rewrite to ${url} failed: ${reason}`);
  return {
    type: "core",
    statusCode: 502,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
    body: Readable.toWeb(
      Readable.from([Buffer.from(`Bad gateway: the rewrite target could not be reached (${reason}).\n`)]),
    ) as ReadableStream,
    isBase64Encoded: false,
  };
}

const proxy: ProxyExternalRequest = {
  name: "slipway-proxy",
  proxy(event: InternalEvent) {
    const { url, method, body } = event;
    return new Promise<InternalResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch (error) {
        return resolve(badGateway(url, error));
      }
      const client = target.protocol === "http:" ? http : target.protocol === "https:" ? https : null;
      if (!client) return resolve(badGateway(url, new Error(`unsupported scheme ${target.protocol}`)));
      const req = client.request(target, { method, headers: requestHeaders(event), timeout: TIMEOUT_MS }, (res) => {
        const encoding = res.headers["content-encoding"];
        const decoded =
          encoding === "br" ? res.pipe(createBrotliDecompress()) : encoding === "gzip" ? res.pipe(createGunzip()) : res;
        const headers: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined && !RESPONSE_HEADERS_DROPPED.has(key)) headers[key] = value;
        }
        // A body cut off midway ends the stream with an error; the wrapper closes the response.
        res.on("error", (error) => decoded.destroy(error));
        resolve({
          type: "core",
          statusCode: res.statusCode ?? 502,
          headers,
          body: Readable.toWeb(decoded) as ReadableStream,
          // As OpenNext's proxy: a buffered (non-streaming) Lambda answer must base64 these.
          isBase64Encoded: isBinaryContentType(String(res.headers["content-type"] ?? "")) || Boolean(encoding),
        });
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      // Before a response: 502. After it: the body stream carries the error (handled above).
      req.on("error", (error) => resolve(badGateway(url, error)));
      if (body && method !== "GET" && method !== "HEAD") req.write(body);
      req.end();
    });
  },
};

export default proxy;
