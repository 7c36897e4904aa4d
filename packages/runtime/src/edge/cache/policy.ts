import type { IncomingHttpHeaders } from "node:http";
import { parseCacheControl } from "./cache-control.ts";

type Headers = Readonly<Record<string, string | string[] | number | undefined>>;

/** Cookies Next uses for draft mode / preview: such requests render fresh and are never cached. */
const DRAFT_COOKIES = /(?:^|;\s*)(?:__prerender_bypass|__next_preview_data)=/;

/** A year, the longest freshness we honour: Next's "static forever" is `s-maxage=31536000`. */
const MAX_LIFETIME_S = 31_536_000;

/** Statuses a shared cache may store by default (RFC 9110 §15.1), minus those Next never caches. */
const STORABLE_STATUSES = new Set([200, 203, 204, 300, 301, 308, 404, 410]);

export type RequestDecision =
  | { readonly use: true }
  /** `purge`: Next is regenerating this page right now (`x-prerender-revalidate`). */
  | { readonly use: false; readonly reason: string; readonly purge?: boolean };

const USE: RequestDecision = { use: true };

/** Whether the cache may answer (and then store) this request at all. */
export function requestDecision(method: string | undefined, headers: IncomingHttpHeaders): RequestDecision {
  if (method !== "GET" && method !== "HEAD") return { use: false, reason: "method" };
  if (headers["x-prerender-revalidate"] !== undefined) return { use: false, reason: "revalidate", purge: true };
  if (headers.authorization !== undefined) return { use: false, reason: "authorization" };
  if (headers.range !== undefined) return { use: false, reason: "range" };
  if (headers.cookie !== undefined && DRAFT_COOKIES.test(headers.cookie)) return { use: false, reason: "draft-mode" };
  return USE;
}

export interface Lifetime {
  /** Served as HIT while younger than this. */
  readonly freshMs: number;
  /** Then served as STALE (and refreshed in the background) until `freshMs + staleMs`. */
  readonly staleMs: number;
}

/**
 * How long a response may be served from the edge, or null when it must not be stored: the
 * shared-cache freshness (`s-maxage`, else `max-age` when `public`) and `stale-while-revalidate`.
 * Never stores `private`, `no-store`, `no-cache`, `Set-Cookie` or a response that varies on
 * cookies or credentials.
 */
export function responseLifetime(status: number, headers: Headers): Lifetime | null {
  if (!STORABLE_STATUSES.has(status)) return null;
  if (headers["set-cookie"] !== undefined) return null;
  const vary = varyList(headers.vary);
  if (vary === null) return null;
  const cc = parseCacheControl(headers["cache-control"] as string | string[] | undefined);
  if (cc.private || cc.noStore || cc.noCache) return null;
  const fresh = cc.sMaxAge ?? (cc.public ? cc.maxAge : undefined);
  if (fresh === undefined || fresh <= 0) return null;
  const stale = cc.mustRevalidate ? 0 : (cc.staleWhileRevalidate ?? 0);
  return {
    freshMs: Math.min(fresh, MAX_LIFETIME_S) * 1000,
    staleMs: Math.min(stale, MAX_LIFETIME_S) * 1000,
  };
}

/** Lowercased `Vary` names, or null when the response varies on something we must not share. */
export function varyList(header: Headers[string]): string[] | null {
  if (header === undefined) return [];
  const names = String(header)
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.some((name) => name === "*" || name === "cookie" || name === "authorization")) return null;
  return [...new Set(names)].sort();
}
