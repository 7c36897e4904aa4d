import type { Store } from "@slipway/core";

/**
 * A Store that forwards every call to whichever store is in use: the bench flips the edge between
 * a one-project store and a seeded one between load slices, so both sides of the scale comparison
 * run under the same background load.
 */
export function switchableStore(initial: Store): { store: Store; use(store: Store): void } {
  let current = initial;
  const store = new Proxy({} as Store, { get: (_target, key) => current[key as keyof Store] });
  return {
    store,
    use(next) {
      current = next;
    },
  };
}
