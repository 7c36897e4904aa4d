import type { TelemetryBatch } from "@slipway/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Seconds; Prometheus' own defaults stretched to cold starts. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface PlatformMetrics {
  readonly registry: Registry;
  /** Fed once per written telemetry batch, off the request path. */
  observe(batch: TelemetryBatch): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The platform's own metrics in Prometheus exposition: edge requests, latency, cold starts,
 * GB-seconds and bytes out per project, what telemetry dropped, and Node's process metrics.
 */
export function createPlatformMetrics(sample: {
  droppedBeforeStorage: () => number;
  edgeCache: () => { entries: number; bytes: number };
}): PlatformMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "slipway_" });
  const requests = new Counter({
    name: "slipway_edge_requests_total",
    help: "Requests answered by the edge, by project, status class and who served them.",
    labelNames: ["project", "status", "served_by"] as const,
    registers: [registry],
  });
  // Function requests only: there a request costs milliseconds and one observation is noise; a
  // static file or cache hit costs microseconds, and labelled observations per request would show.
  const duration = new Histogram({
    name: "slipway_function_request_duration_seconds",
    help: "Time from request to the end of the response, at the edge, of requests a function answered.",
    labelNames: ["project"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const coldStarts = new Counter({
    name: "slipway_cold_starts_total",
    help: "Requests that waited for a worker to start.",
    labelNames: ["project"] as const,
    registers: [registry],
  });
  const gbSeconds = new Counter({
    name: "slipway_function_gb_seconds_total",
    help: "Function memory limit (GB) times function duration (s).",
    labelNames: ["project"] as const,
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: "slipway_edge_bytes_out_total",
    help: "Response body bytes sent by the edge.",
    labelNames: ["project"] as const,
    registers: [registry],
  });
  const logLines = new Counter({
    name: "slipway_function_log_lines_total",
    help: "Lines functions wrote, by level.",
    labelNames: ["project", "level"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: "slipway_errors_total",
    help: "Uncaught exceptions and 5xx answers recorded as errors.",
    labelNames: ["project"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "slipway_telemetry_dropped_total",
    help: "Telemetry items dropped before storage because the write queue was full.",
    registers: [registry],
    collect() {
      this.set(sample.droppedBeforeStorage());
    },
  });
  new Gauge({
    name: "slipway_edge_cache_bytes",
    help: "Bytes held by the edge response cache.",
    registers: [registry],
    collect() {
      this.set(sample.edgeCache().bytes);
    },
  });

  return {
    registry,
    observe(batch) {
      // Summed per label set first: one labelled increment per batch and label set, not per request.
      const counts = new Map<string, { labels: { project: string; status: string; served_by: string }; n: number }>();
      const perProject = new Map<string, { cold: number; bytes: number }>();
      for (const entry of batch.entries) {
        const project = entry.projectId;
        if (entry.kind === "log") {
          logLines.inc({ project, level: entry.level });
          continue;
        }
        const status = `${Math.floor(entry.status / 100)}xx`;
        const key = `${project}\u0000${status}\u0000${entry.servedBy}`;
        const count = counts.get(key);
        if (count) count.n += 1;
        else counts.set(key, { labels: { project, status, served_by: entry.servedBy }, n: 1 });
        const sums = perProject.get(project) ?? { cold: 0, bytes: 0 };
        sums.cold += entry.coldStart ? 1 : 0;
        sums.bytes += entry.bytes;
        perProject.set(project, sums);
        if (entry.servedBy === "function") duration.observe({ project }, entry.durationMs / 1000);
      }
      for (const { labels, n } of counts.values()) requests.inc(labels, n);
      for (const [project, sums] of perProject) {
        if (sums.cold > 0) coldStarts.inc({ project }, sums.cold);
        bytesOut.inc({ project }, sums.bytes);
      }
      for (const metric of batch.metrics)
        if (metric.gbSeconds > 0) gbSeconds.inc({ project: metric.projectId }, metric.gbSeconds);
      for (const error of batch.errors) errors.inc({ project: error.projectId });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
