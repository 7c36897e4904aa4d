import type { InternalEvent, InternalResult } from "@opennextjs/aws/types/open-next.js";
import type { Converter } from "@opennextjs/aws/types/overrides.js";

/**
 * API Gateway v2 ("HTTP API", payload 2.0) events, as OpenNext's `aws-apigw-v2` converter reads
 * them, with two differences:
 * - `request.url` takes its scheme from `x-forwarded-proto` (set by the edge here and by API
 *   Gateway on AWS), where the stock converter always says `https://`: behind a plain-HTTP edge,
 *   middleware doing `fetch(new URL("/api/x", request.url))` spoke TLS to an HTTP port and failed.
 * - The body may be a Buffer (the local worker passes the bytes it read, skipping a base64 round
 *   trip per request); on Lambda it is the event's string, base64 or not, as before.
 * Self-contained on purpose: OpenNext imports this module at build time to read its name, and the
 * stock converter's imports read the app's build output when loaded.
 */
type ApiGatewayV2Event = {
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[];
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; sourceIp: string } };
};

function bodyOf(event: ApiGatewayV2Event): Buffer {
  const { body } = event;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, event.isBase64Encoded ? "base64" : "utf8");
  return Buffer.alloc(0);
}

function headersOf(event: ApiGatewayV2Event): Record<string, string> {
  const headers: Record<string, string> = {};
  if (Array.isArray(event.cookies)) headers.cookie = event.cookies.join("; ");
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[key.toLowerCase()] = value;
  }
  return headers;
}

/** `a=1&a=2&b=3` → `{ a: ["1", "2"], b: "3" }`, as OpenNext's convertToQuery. */
function queryOf(rawQueryString: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!rawQueryString) return query;
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

function cookiesOf(cookies: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cookie of cookies ?? []) {
    const at = cookie.indexOf("=");
    if (at > 0) out[cookie.slice(0, at)] = cookie.slice(at + 1);
  }
  return out;
}

async function convertFrom(raw: unknown): Promise<InternalEvent> {
  const event = raw as ApiGatewayV2Event;
  const headers = headersOf(event);
  const rawQueryString = event.rawQueryString ?? "";
  const scheme = headers["x-forwarded-proto"] === "http" ? "http" : "https";
  const host = headers["x-forwarded-host"] ?? headers.host ?? "on";
  return {
    type: "core",
    method: event.requestContext.http.method,
    rawPath: event.rawPath,
    url: `${scheme}://${host}${event.rawPath}${rawQueryString ? `?${rawQueryString}` : ""}`,
    body: bodyOf(event),
    headers,
    remoteAddress: event.requestContext.http.sourceIp,
    query: queryOf(rawQueryString),
    cookies: cookiesOf(event.cookies),
  };
}

/** Headers API Gateway refuses or owns in a response (the list OpenNext's converter drops). */
const RESPONSE_HEADERS_DROPPED = [
  /^(connection|expect|keep-alive|proxy-authenticate|proxy-authorization|proxy-connection|trailer|upgrade)$/,
  /^(x-accel-buffering|x-accel-charset|x-accel-limit-rate|x-accel-redirect|x-cache|x-forwarded-proto|x-real-ip)$/,
  /^(set-cookie|age|via)$/,
  /^x-amz-cf-|^x-amzn-|^x-edge-/,
];

/** A buffered (non-streaming) API Gateway v2 result; the streaming wrapper never calls this. */
async function convertTo(result: InternalResult): Promise<unknown> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers)) {
    const name = key.toLowerCase();
    if (RESPONSE_HEADERS_DROPPED.some((pattern) => pattern.test(name))) continue;
    headers[name] = value === null || value === undefined ? "" : Array.isArray(value) ? value.join(", ") : `${value}`;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of result.body as unknown as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  const body = Buffer.concat(chunks).toString(result.isBase64Encoded ? "base64" : "utf8");
  const setCookie = result.headers["set-cookie"];
  return {
    statusCode: result.statusCode,
    headers,
    cookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
    body,
    isBase64Encoded: result.isBase64Encoded,
  };
}

const converter: Converter<InternalEvent, InternalResult> = { name: "slipway-apigw-v2", convertFrom, convertTo };

export default converter;
