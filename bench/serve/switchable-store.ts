import type { Store } from "@slipway/core";

/** A store with the change stamp the edge's routing cache watches (see createChangeWatch). */
export interface StampedStore {
  readonly store: Store;
  readonly changeStamp: () => unknown;
}

/**
 * A Store that forwards every call to whichever store is in use: the bench flips the edge between
 * a one-project store and a seeded one between load slices, so both sides of the scale comparison
 * run under the same background load. Its change stamp moves on a flip too, so the edge's routing
 * cache reads the store now in use, as `slipway up`'s does after a change.
 */
export function switchableStore(initial: StampedStore) {
  let current = initial;
  let flips = 0;
  const store = new Proxy({} as Store, { get: (_target, key) => current.store[key as keyof Store] });
  return {
    store,
    changeStamp: () => `${flips}:${String(current.changeStamp())}`,
    use(next: StampedStore) {
      current = next;
      flips++;
    },
  };
}
