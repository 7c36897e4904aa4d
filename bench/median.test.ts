import { describe, expect, it } from "vitest";
import { median, medianInterval } from "./median.ts";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("bounds the median of 60 values by their 22nd and 39th (the binomial ranks, rounded outwards)", () => {
    const values = Array.from({ length: 60 }, (_, i) => 60 - i); // 1..60, shuffled by reversing
    expect(medianInterval(values)).toEqual([22, 39]);
  });

  it("covers the true median about 95 % of the time, and no less", () => {
    // Deterministic pseudo-random samples of a skewed distribution whose median is 1.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let covered = 0;
    const trials = 2_000;
    for (let t = 0; t < trials; t++) {
      const sample = Array.from({ length: 30 }, () => Math.exp((random() - 0.5) * 0.6) ** 3);
      const [low, high] = medianInterval(sample);
      if (low <= 1 && 1 <= high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.94);
    expect(covered / trials).toBeLessThan(0.995);
  });
});
