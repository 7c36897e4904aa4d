/**
 * Where the dashboard runs without the platform beside it (a site on AWS, `next dev`), the
 * browser's same-origin `/api/*` (better-auth's sign-in, anything a page fetches) is relayed to
 * the API at SLIPWAY_API_URL: method, body and headers (cookies, Origin, Authorization) as sent,
 * the answer streamed back with its status and every Set-Cookie. Locally the platform sends
 * `/api` to the API before Next sees it, so this is never reached there.
 */

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the request; `host` is
// the API's own, set by fetch.
const REQUEST_HEADERS_DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);
// fetch has already decoded the body and knows its own framing: the encoding and length no longer apply.
const RESPONSE_HEADERS_DROPPED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
]);

export type Fetch = (input: Request) => Promise<Response>;

export async function relayToApi(
  request: Request,
  apiUrl: string | undefined,
  fetchApi: Fetch = fetch,
): Promise<Response> {
  const url = new URL(request.url);
  if (!apiUrl || !(url.pathname === "/api" || url.pathname.startsWith("/api/"))) {
    return Response.json(
      { code: "NOT_FOUND", message: `No route for ${request.method} ${url.pathname}.` },
      { status: 404 },
    );
  }
  const base = new URL(apiUrl);
  const target = new URL(`${base.pathname.replace(/\/+$/, "")}${url.pathname}${url.search}`, base.origin);
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (!REQUEST_HEADERS_DROPPED.has(name.toLowerCase())) headers.append(name, value);
  }
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  const upstream = await fetchApi(
    new Request(target, {
      method: request.method,
      headers,
      redirect: "manual",
      signal: request.signal,
      ...(hasBody ? { body: request.body, duplex: "half" } : {}),
    } as RequestInit),
  );
  const answer = new Headers();
  for (const [name, value] of upstream.headers) {
    if (name.toLowerCase() !== "set-cookie" && !RESPONSE_HEADERS_DROPPED.has(name.toLowerCase()))
      answer.append(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) answer.append("set-cookie", cookie);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: answer });
}
