import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { TelemetrySummary } from "./summary.ts";

/** Seconds; Prometheus' own defaults stretched to cold starts. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface PlatformMetrics {
  readonly registry: Registry;
  /** Fed once per written telemetry batch (its sums, from the telemetry thread). */
  observe(summary: TelemetrySummary): void;
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
    observe(summary) {
      for (const [project, status, served_by, n] of summary.requests) requests.inc({ project, status, served_by }, n);
      for (const [project, cold, bytes, gb, errorCount] of summary.projects) {
        if (cold > 0) coldStarts.inc({ project }, cold);
        bytesOut.inc({ project }, bytes);
        if (gb > 0) gbSeconds.inc({ project }, gb);
        if (errorCount > 0) errors.inc({ project }, errorCount);
      }
      for (const [project, seconds] of summary.functionSeconds)
        for (const value of seconds) duration.observe({ project }, value);
      for (const [project, level, n] of summary.logLines) logLines.inc({ project, level }, n);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
