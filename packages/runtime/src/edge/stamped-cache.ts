import { loopTurn } from "./loop-turn.ts";

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
  let checkedIn = -1;
  return {
    generation(): number {
      const turn = loopTurn();
      if (checkedIn !== turn) {
        checkedIn = turn;
        const now = changeStamp();
        if (now !== stamp) {
          stamp = now;
          generation++;
        }
      }
      return generation;
    },
  };
}

export type ChangeWatch = ReturnType<typeof createChangeWatch>;

/** Keys remembered at most per cache; unbounded, random Host headers would grow it forever. */
export const MAX_CACHED_KEYS = 10_000;

/**
 * `load(key)` remembered per key (null answers too) until the watch's generation moves. A load
 * that started before a change is answered but not kept, so the next lookup reads afresh. A hit
 * is answered synchronously (no promise, no microtask): callers on the request path check for a
 * promise and go on at once without one.
 */
export function createStampedCache<V>(watch: ChangeWatch, load: (key: string) => Promise<V> | V) {
  const entries = new Map<string, V>();
  let seen = watch.generation();
  async function loadAndKeep(key: string, generation: number): Promise<V> {
    const value = await load(key);
    if (watch.generation() === generation) {
      if (entries.size >= MAX_CACHED_KEYS) entries.delete(entries.keys().next().value as string);
      entries.set(key, value);
    }
    return value;
  }
  return function lookup(key: string): V | Promise<V> {
    const generation = watch.generation();
    if (generation !== seen) {
      entries.clear();
      seen = generation;
    }
    const hit = entries.get(key);
    if (hit !== undefined || entries.has(key)) return hit as V;
    return loadAndKeep(key, generation);
  };
}
