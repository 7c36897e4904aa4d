/**
 * A small seeded PRNG (mulberry32): the crash test draws every kill point from it, so a failing
 * run can be replayed exactly by passing the seed it printed.
 */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

/** The seed from `envValue` when given (a replay), otherwise a fresh random one. */
export function pickSeed(envValue: string | undefined): number {
  if (envValue !== undefined && envValue !== "") {
    const seed = Number(envValue);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got "${envValue}"`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
