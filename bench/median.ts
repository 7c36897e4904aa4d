/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A ~95 % confidence interval for the median, from the sorted values themselves (the order
 * statistics a binomial count of values below the median puts around it): no assumption about
 * how the values spread, which on a shared box is anything but normal.
 */
export function medianInterval(values: readonly number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // Ranks (1-based) n/2 ∓ 1.96·√n/2 and one more above, rounded outwards: a little wider than 95 %.
  const half = 1.96 * Math.sqrt(n) * 0.5;
  const low = Math.max(0, Math.floor(n / 2 - half) - 1);
  const high = Math.min(n - 1, Math.ceil(1 + n / 2 + half) - 1);
  return [sorted[low] as number, sorted[high] as number];
}
