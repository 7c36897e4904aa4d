/**
 * Fixed log-spaced latency buckets: bucket i holds [FLOOR_MS·RATIO^i, FLOOR_MS·RATIO^(i+1)). A
 * percentile read back as the bucket's geometric middle is within ±5 % of the true value, so
 * histograms of any minutes can be summed (unlike stored percentiles) and stay within the 10 %
 * the dashboards promise.
 */
const FLOOR_MS = 0.1;
const RATIO = 1.1;
/** The bucket bounds, for queries that bucket elsewhere (CloudWatch Logs Insights on AWS). */
export const LATENCY_FLOOR_MS = FLOOR_MS;
export const LATENCY_RATIO = RATIO;
const LOG_RATIO = Math.log(RATIO);
/** 0.1 ms … ~ 10 min; slower requests land in the last bucket. */
export const LATENCY_BUCKETS = 190;

export type LatencyHistogram = Record<string, number>;

export function latencyBucket(ms: number): number {
  if (!(ms > FLOOR_MS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.floor(Math.log(ms / FLOOR_MS) / LOG_RATIO));
}

/** Middle of a bucket, what a percentile reports. */
export function bucketMiddleMs(bucket: number): number {
  return FLOOR_MS * RATIO ** (bucket + 0.5);
}

/** Upper bound of a bucket (for Prometheus-style `le` labels). */
export function bucketUpperMs(bucket: number): number {
  return FLOOR_MS * RATIO ** (bucket + 1);
}

export function addLatency(histogram: LatencyHistogram, ms: number): void {
  const key = String(latencyBucket(ms));
  histogram[key] = (histogram[key] ?? 0) + 1;
}

export function mergeHistograms(into: LatencyHistogram, from: Readonly<LatencyHistogram>): LatencyHistogram {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}

/** Nearest-rank percentile (p in 0..100) in ms, or null for an empty histogram. */
export function percentile(histogram: Readonly<LatencyHistogram>, p: number): number | null {
  const buckets = Object.entries(histogram)
    .map(([key, count]) => [Number(key), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return Math.round(bucketMiddleMs(bucket) * 100) / 100;
  }
  return null;
}
