import type { DomainRoute } from "@slipway/core";

/** Where the directory reads custom domains from (the Store, or a column-only read beside it). */
export interface DomainRouteSource {
  /** The record of exactly this hostname (no wildcard matching), or null. */
  find(hostname: string): Promise<DomainRoute | null> | DomainRoute | null;
  /**
   * A value that changes whenever a domain may have changed (SQLite: any commit to the file).
   * Compared on every lookup: a different value drops every cached host, so a challenge token, a
   * renewed certificate or a removal is seen by the very next request.
   */
  changeStamp(): unknown;
}

/** Hosts remembered at most; an unbounded map would let random Host headers grow it forever. */
export const MAX_CACHED_HOSTS = 10_000;

/**
 * Hostname → its custom domain, cached per host until the source's change stamp moves. One
 * lookup serves the front (challenge, redirects, HSTS), routing and the SNI callback alike; hosts
 * that are no custom domain are remembered as null.
 */
export function createDomainDirectory(source: DomainRouteSource) {
  const hosts = new Map<string, DomainRoute | null>();
  let stamp = source.changeStamp();
  // Bumped on every clear: a lookup that started before a change must not store what it read.
  let generation = 0;
  let checkedThisTurn = false;
  const nextTurn = () => {
    checkedThisTurn = false;
  };
  const clear = () => {
    hosts.clear();
    generation++;
  };

  return {
    async lookup(hostname: string): Promise<DomainRoute | null> {
      // Once per turn of the event loop: the front, routing and SNI of one request (and the other
      // requests read in the same turn) share one stamp read. A change committed after it is seen
      // by the next turn's first lookup.
      if (!checkedThisTurn) {
        checkedThisTurn = true;
        setImmediate(nextTurn);
        const now = source.changeStamp();
        if (now !== stamp) {
          stamp = now;
          clear();
        }
      }
      const cached = hosts.get(hostname);
      if (cached !== undefined) return cached;
      const started = generation;
      const wildcard = wildcardOf(hostname);
      const route = (await source.find(hostname)) ?? (wildcard ? await source.find(wildcard) : null);
      if (started === generation) {
        if (hosts.size >= MAX_CACHED_HOSTS) hosts.delete(hosts.keys().next().value as string);
        hosts.set(hostname, route);
      }
      return route;
    },
    /** Drops every cached host (a change this process made and wants seen at once). */
    forget: clear,
  };
}

export type DomainDirectory = ReturnType<typeof createDomainDirectory>;

/** `a.example.com` → `*.example.com`; null for a single label (no wildcard can cover it). */
function wildcardOf(hostname: string): string | null {
  const dot = hostname.indexOf(".");
  return dot > 0 && !hostname.startsWith("*.") ? `*${hostname.slice(dot)}` : null;
}
