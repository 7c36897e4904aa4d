import type { CacheEntry } from "./entry.ts";

export interface StoreLimits {
  /** Total bytes of bodies and headers kept. */
  readonly maxBytes: number;
  /** Larger responses are never stored. */
  readonly maxEntryBytes: number;
}

/**
 * The edge cache's memory: least recently used entries go first once `maxBytes` is reached
 * (a Map keeps insertion order; a hit re-inserts). An index by deployment drops a forgotten
 * deployment's entries at once. Each primary key remembers the `Vary` list of its last response,
 * to find the variant.
 */
export function createCacheStore(limits: StoreLimits) {
  const entries = new Map<string, CacheEntry>();
  const varies = new Map<string, readonly string[]>();
  const byDeployment = new Map<string, Set<string>>();
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.size;
    const deployment = byDeployment.get(entry.deploymentId);
    deployment?.delete(key);
    if (deployment?.size === 0) byDeployment.delete(entry.deploymentId);
  }

  return {
    limits,
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
    varyOf(primary: string): readonly string[] | undefined {
      return varies.get(primary);
    },
    get(key: string): CacheEntry | undefined {
      const entry = entries.get(key);
      if (entry) {
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry;
    },
    /** Stores an entry under `primary` + its variant key; false when it is over the entry limit. */
    set(primary: string, vary: readonly string[], key: string, entry: CacheEntry): boolean {
      if (entry.size > limits.maxEntryBytes || entry.size > limits.maxBytes) return false;
      remove(key);
      if (varies.size > 4 * (entries.size + 1)) varies.clear(); // keys of evicted entries
      varies.set(primary, vary);
      entries.set(key, entry);
      bytes += entry.size;
      byDeployment.set(entry.deploymentId, (byDeployment.get(entry.deploymentId) ?? new Set()).add(key));
      for (const oldest of entries.keys()) {
        if (bytes <= limits.maxBytes) break;
        remove(oldest);
      }
      return true;
    },
    delete: remove,
    dropDeployment(deploymentId: string): void {
      for (const key of [...(byDeployment.get(deploymentId) ?? [])]) remove(key);
    },
  };
}

export type CacheStore = ReturnType<typeof createCacheStore>;
