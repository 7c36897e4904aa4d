import type {
  DroppedCounts,
  EntryQuery,
  ErrorGroup,
  MetricPoint,
  RetentionPolicy,
  TelemetryBatch,
  TelemetryEntry,
} from "../telemetry/model.ts";

/** What one compaction did: metric rows rolled up, and what retention removed (also counted). */
export interface CompactionResult {
  readonly rolledUp: number;
  readonly dropped: DroppedCounts;
}

/**
 * Runtime telemetry of sites (SQLite file of its own locally, CloudWatch Logs and Metrics on AWS):
 * request log and function log lines with growing seqs, error events grouped by message, and
 * metrics per deployment per minute, rolled up to hours and days.
 */
export interface TelemetryStore {
  readonly name: string;
  /** One batch in one write: entries get seqs higher than any before, metric deltas are added. */
  write(batch: TelemetryBatch): Promise<void>;
  /** Entries oldest first (see EntryQuery for which). */
  entries(query: EntryQuery): Promise<TelemetryEntry[]>;
  /** Errors since `sinceAt` grouped by message, most recent group first. */
  errorGroups(projectId: string, sinceAt: string): Promise<ErrorGroup[]>;
  /** Metric points (any resolution) whose period starts in [from, to), of one deployment or all. */
  metrics(projectId: string, from: number, to: number, deploymentId?: string): Promise<MetricPoint[]>;
  /** Rolls minutes up to hours and hours up to days, then applies retention, as of `now`. */
  compact(policy: RetentionPolicy, now: number): Promise<CompactionResult>;
  /** What retention has removed from a project so far. */
  dropped(projectId: string): Promise<DroppedCounts>;
  deleteProject(projectId: string): Promise<void>;
  close(): Promise<void>;
}
