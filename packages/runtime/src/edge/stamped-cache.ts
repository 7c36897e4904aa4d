/**
 * Watches a source's change stamp (SQLite: `data_version` and `total_changes()`, a value that
 * moves whenever anything in the file may have changed) and turns it into a generation number
 * the edge's caches compare. The stamp is read at most once per turn of the event loop: the
 * front, routing and SNI of one request (and every other request read in the same turn) share
 * one read; a change committed after it is seen by the next turn's first lookup.
 */
export function createChangeWatch(changeStamp: () => unknown) {
  let stamp = changeStamp();
  let generation = 0;
  let checkedThisTurn = false;
  const nextTurn = () => {
    checkedThisTurn = false;
  };
  return {
    generation(): number {
      if (!checkedThisTurn) {
        checkedThisTurn = true;
        setImmediate(nextTurn);
        const now = changeStamp();
        if (now !== stamp) {
          stamp = now;
          generation++;
        }
      }
      return generation;
    },
    /** Drops every cache on this watch (a change this process made and wants seen at once). */
    bump(): void {
      generation++;
    },
  };
}

export type ChangeWatch = ReturnType<typeof createChangeWatch>;

/** Keys remembered at most per cache; unbounded, random Host headers would grow it forever. */
export const MAX_CACHED_KEYS = 10_000;

/**
 * `load(key)` remembered per key (null answers too) until the watch's generation moves. A load
 * that started before a change is answered but not kept, so the next lookup reads afresh.
 */
export function createStampedCache<V>(watch: ChangeWatch, load: (key: string) => Promise<V> | V) {
  const entries = new Map<string, V>();
  let seen = watch.generation();
  return async function lookup(key: string): Promise<V> {
    const generation = watch.generation();
    if (generation !== seen) {
      entries.clear();
      seen = generation;
    }
    if (entries.has(key)) return entries.get(key) as V;
    const value = await load(key);
    if (watch.generation() === generation) {
      if (entries.size >= MAX_CACHED_KEYS) entries.delete(entries.keys().next().value as string);
      entries.set(key, value);
    }
    return value;
  };
}
