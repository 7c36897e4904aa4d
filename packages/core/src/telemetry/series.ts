import { mergeHistograms, percentile } from "./latency-histogram.ts";
import type { MetricCounts, MetricPoint } from "./model.ts";

/** One point of a chart: the counts of every deployment in one step, with percentiles. */
export interface SeriesPoint {
  readonly start: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly coldStarts: number;
  readonly gbSeconds: number;
  readonly bytesOut: number;
  readonly invocations: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface MetricSummary extends Omit<SeriesPoint, "start"> {}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The step of a chart over a window: minutes up to 1 h, 15 min up to 24 h, hours up to 7 d, then days. */
export function stepFor(windowMs: number): number {
  if (windowMs <= HOUR) return MINUTE;
  if (windowMs <= 24 * HOUR) return 15 * MINUTE;
  if (windowMs <= 7 * 24 * HOUR) return HOUR;
  return 24 * HOUR;
}

/**
 * Minute, hour and day points (whatever retention left) summed into fixed steps from `from` to
 * `to`; steps without traffic are zeros, so a chart has no holes.
 */
export function toSeries(points: readonly MetricPoint[], from: number, to: number, step: number): SeriesPoint[] {
  const first = Math.floor(from / step) * step;
  const sums = new Map<number, Counts>();
  for (let start = first; start < to; start += step) sums.set(start, emptyCounts());
  for (const point of points) {
    const sum = sums.get(Math.floor(point.start / step) * step);
    if (sum) addCounts(sum, point);
  }
  return [...sums].map(([start, counts]) => ({ start, ...summarize(counts) }));
}

export function summarizePoints(points: readonly MetricCounts[]): MetricSummary {
  const sum = emptyCounts();
  for (const point of points) addCounts(sum, point);
  return summarize(sum);
}

type Counts = {
  requests: number;
  errors: number;
  coldStarts: number;
  gbSeconds: number;
  bytesOut: number;
  invocations: number;
  latency: Record<string, number>;
};

export function emptyCounts(): Counts {
  return { requests: 0, errors: 0, coldStarts: 0, gbSeconds: 0, bytesOut: 0, invocations: 0, latency: {} };
}

export function addCounts(into: Counts, from: MetricCounts): Counts {
  into.requests += from.requests;
  into.errors += from.errors;
  into.coldStarts += from.coldStarts;
  into.gbSeconds += from.gbSeconds;
  into.bytesOut += from.bytesOut;
  into.invocations += from.invocations;
  mergeHistograms(into.latency, from.latency);
  return into;
}

function summarize(counts: Counts): MetricSummary {
  return {
    requests: counts.requests,
    errors: counts.errors,
    errorRate: counts.requests === 0 ? 0 : counts.errors / counts.requests,
    coldStarts: counts.coldStarts,
    gbSeconds: Math.round(counts.gbSeconds * 1e6) / 1e6,
    bytesOut: counts.bytesOut,
    invocations: counts.invocations,
    p50: percentile(counts.latency, 50),
    p95: percentile(counts.latency, 95),
    p99: percentile(counts.latency, 99),
  };
}
