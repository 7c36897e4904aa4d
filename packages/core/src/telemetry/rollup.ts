import type { MetricPoint, MetricResolution } from "./model.ts";
import { addCounts, emptyCounts } from "./series.ts";

const PERIOD_MS: Record<MetricResolution, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Sums points of one resolution into points of the next coarser one (minute → hour, hour → day),
 * per project and deployment. Both adapters compact with it, so they agree on every sum.
 */
export function rollUp(points: readonly MetricPoint[], to: "hour" | "day"): MetricPoint[] {
  const period = PERIOD_MS[to];
  const sums = new Map<string, MetricPoint>();
  for (const point of points) {
    const start = Math.floor(point.start / period) * period;
    const key = `${point.projectId}\u0000${point.deploymentId}\u0000${start}`;
    const sum = sums.get(key) ?? {
      projectId: point.projectId,
      deploymentId: point.deploymentId,
      resolution: to,
      start,
      ...emptyCounts(),
    };
    sums.set(key, { ...sum, ...addCounts({ ...sum, latency: { ...sum.latency } }, point) });
  }
  return [...sums.values()];
}

/** Adds one point's counts to another's (same deployment and period). */
export function addPoint(into: MetricPoint, from: MetricPoint | Omit<MetricPoint, "resolution">): MetricPoint {
  return { ...into, ...addCounts({ ...into, latency: { ...into.latency } }, from) };
}
