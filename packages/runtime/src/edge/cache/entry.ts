import type { StoredHead } from "./head.ts";

/** One stored response of one deployment. Immutable once stored. */
export interface CacheEntry {
  readonly deploymentId: string;
  /** The page it renders (see `pageOf`), for path purges. */
  readonly page: string;
  readonly status: number;
  /** Response headers as sent, minus per-connection and per-request ones, laid out for `writeHead`. */
  readonly head: StoredHead;
  readonly body: Buffer;
  /** When the request that produced it was sent to the worker (ms since epoch). */
  readonly storedAt: number;
  readonly freshMs: number;
  readonly staleMs: number;
  readonly tags: ReadonlySet<string>;
  /** True when tags came from `x-next-cache-tags`, false when derived from the path. */
  readonly tagsKnown: boolean;
  /** What a background refresh sends: the URL and the request headers that chose this variant. */
  readonly refresh: { readonly url: string; readonly headers: Readonly<Record<string, string>> };
  /** Accounted size: body plus headers. */
  readonly size: number;
}

export type Freshness = "fresh" | "stale" | "expired";

export function freshnessOf(entry: CacheEntry, now: number): Freshness {
  const age = now - entry.storedAt;
  if (age < entry.freshMs) return "fresh";
  if (age < entry.freshMs + entry.staleMs) return "stale";
  return "expired";
}
