import type { ProjectRequestRows } from "./request-rows.ts";

/** What the telemetry of a site is made of: request log, function log lines, errors, metrics. */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One request through the edge. `seq` grows per store (gaps allowed), the cursor of a live tail. */
export interface RequestEntry {
  readonly kind: "request";
  readonly seq: number;
  /** ISO time the request ended. */
  readonly at: string;
  readonly projectId: string;
  readonly deploymentId: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly coldStart: boolean;
  /** Who answered: "static", "cache", "function", "image", "edge". */
  readonly servedBy: string;
  /** The edge cache's verdict (HIT / STALE / MISS), or null where the cache was not asked. */
  readonly cache: string | null;
  /** Masked per the platform's setting (see maskClientIp). */
  readonly clientIp: string;
}

/** A line a function wrote (console.* or stdout/stderr), masked of the deployment's secrets. */
export interface FunctionLogEntry {
  readonly kind: "log";
  readonly seq: number;
  readonly at: string;
  readonly projectId: string;
  readonly deploymentId: string;
  /** Null for output outside any request (start-up, timers). */
  readonly requestId: string | null;
  readonly level: LogLevel;
  readonly text: string;
}

export type TelemetryEntry = RequestEntry | FunctionLogEntry;
export type NewTelemetryEntry = Omit<RequestEntry, "seq"> | Omit<FunctionLogEntry, "seq">;

/** An uncaught exception (with its stack) or a 5xx answer (stack when the function logged one). */
export interface ErrorEvent {
  readonly at: string;
  readonly projectId: string;
  readonly deploymentId: string;
  readonly requestId: string | null;
  /** The grouping key: the error's first line, or "HTTP 5xx METHOD /path" without one. */
  readonly message: string;
  readonly stack: string | null;
}

export interface ErrorGroup {
  readonly message: string;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly lastDeploymentId: string;
  readonly lastRequestId: string | null;
  /** The stack of the latest occurrence that had one. */
  readonly stack: string | null;
}

export const METRIC_RESOLUTIONS = ["minute", "hour", "day"] as const;
export type MetricResolution = (typeof METRIC_RESOLUTIONS)[number];

/** The counters of one deployment over one minute, hour or day. */
export interface MetricCounts {
  readonly requests: number;
  readonly errors: number;
  readonly coldStarts: number;
  /** Function memory limit (GB) x function duration (s), as Lambda bills it. */
  readonly gbSeconds: number;
  readonly bytesOut: number;
  /** Function invocations (requests a worker answered), what Lambda would bill as requests. */
  readonly invocations: number;
  /** Latency histogram: bucket index (see latency-histogram.ts) → count. */
  readonly latency: Readonly<Record<string, number>>;
}

export interface MetricPoint extends MetricCounts {
  readonly projectId: string;
  readonly deploymentId: string;
  readonly resolution: MetricResolution;
  /** Start of the period, epoch ms (UTC). */
  readonly start: number;
}

/** What a batch adds: counts to add to a deployment's minute. */
export type MetricDelta = Omit<MetricPoint, "resolution">;

export interface TelemetryBatch {
  readonly entries: readonly NewTelemetryEntry[];
  /** Request entries as columns (the edge's path): stored after `entries`, in order. */
  readonly requestRows?: readonly ProjectRequestRows[];
  readonly errors: readonly ErrorEvent[];
  readonly metrics: readonly MetricDelta[];
}

/**
 * How long what is kept, per project. Minute metrics become hour metrics, hours become days,
 * before anything finer is deleted; only day metrics past their age are dropped (and counted).
 */
export interface RetentionPolicy {
  readonly logsMaxAgeMs: number;
  readonly maxEntriesPerProject: number;
  readonly maxErrorsPerProject: number;
  readonly minuteMaxAgeMs: number;
  readonly hourMaxAgeMs: number;
  readonly dayMaxAgeMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_RETENTION: RetentionPolicy = {
  logsMaxAgeMs: 7 * DAY,
  maxEntriesPerProject: 200_000,
  maxErrorsPerProject: 10_000,
  minuteMaxAgeMs: 2 * DAY,
  hourMaxAgeMs: 31 * DAY,
  dayMaxAgeMs: 400 * DAY,
};

/** What retention removed, by kind: never silent, summed per project. */
export interface DroppedCounts {
  readonly entries: number;
  readonly errors: number;
  readonly metricDays: number;
}

export const NO_DROPS: DroppedCounts = { entries: 0, errors: 0, metricDays: 0 };

export interface EntryQuery {
  readonly projectId: string;
  readonly deploymentId?: string;
  /** Only entries with seq > afterSeq (a tail's cursor). */
  readonly afterSeq?: number;
  /** Only entries at or after this ISO time. */
  readonly sinceAt?: string;
  readonly kind?: TelemetryEntry["kind"];
  /** Inclusive status range (only request entries match). */
  readonly status?: { readonly min: number; readonly max: number };
  /** Newest `limit` entries (returned oldest first) unless afterSeq is given, then the oldest. */
  readonly limit: number;
}
