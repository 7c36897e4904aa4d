import type { DomainRoute } from "@slipway/core";
import { type ChangeWatch, createChangeWatch, createStampedCache } from "../stamped-cache.ts";

/** Where the directory reads custom domains from (the Store, or a column-only read beside it). */
export interface DomainRouteSource {
  /** The record of exactly this hostname (no wildcard matching), or null. */
  find(hostname: string): Promise<DomainRoute | null> | DomainRoute | null;
  /**
   * A value that changes whenever a domain may have changed (SQLite: any commit to the file).
   * Compared on every turn with lookups: a different value drops every cached host, so a
   * challenge token, a renewed certificate or a removal is seen by the very next request.
   */
  changeStamp(): unknown;
}

export { MAX_CACHED_KEYS as MAX_CACHED_HOSTS } from "../stamped-cache.ts";

/**
 * Hostname → its custom domain, cached per host until the source's change stamp moves. One
 * lookup serves the front (challenge, redirects, HSTS), routing and the SNI callback alike; hosts
 * that are no custom domain are remembered as null. `changes` is the watch other caches of the
 * same store share (routing's), so one stamp read per turn serves them all.
 */
export function createDomainDirectory(source: DomainRouteSource) {
  const changes: ChangeWatch = createChangeWatch(() => source.changeStamp());
  const lookup = createStampedCache(changes, async (hostname): Promise<DomainRoute | null> => {
    const wildcard = wildcardOf(hostname);
    return (await source.find(hostname)) ?? (wildcard ? await source.find(wildcard) : null);
  });
  return { lookup, changes };
}

export type DomainDirectory = ReturnType<typeof createDomainDirectory>;

/** `a.example.com` → `*.example.com`; null for a single label (no wildcard can cover it). */
function wildcardOf(hostname: string): string | null {
  const dot = hostname.indexOf(".");
  return dot > 0 && !hostname.startsWith("*.") ? `*${hostname.slice(dot)}` : null;
}
