import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The header CloudFront adds to every request it sends to a server function's URL (the URL is
 * public: without this check anyone could bypass the edge, its routing and its caching). OAC
 * cannot protect a function URL for browsers' POSTs (it needs `x-amz-content-sha256`), so the
 * handler checks a shared secret instead.
 */
export const ORIGIN_SECRET_HEADER = "x-slipway-origin-secret";

/**
 * Constant time whatever the lengths: both sides are hashed first, so neither the position of
 * the first wrong byte nor the secret's length shows in the timing.
 */
export function originSecretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === "") return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Checks the header of a function URL event (headers lower-cased, as Lambda gives them) and
 * removes it, so the app never sees the secret (Next would pass it to middleware, logs, fetches).
 */
export function takeOriginSecret(event: { headers?: Record<string, string | undefined> }, expected: string): boolean {
  const headers = event.headers ?? {};
  const given = headers[ORIGIN_SECRET_HEADER];
  delete headers[ORIGIN_SECRET_HEADER];
  return originSecretMatches(given, expected);
}
