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
 * What the observability views read of a site's runtime telemetry: request log and function log
 * lines with growing seqs, error events grouped by message, metrics per deployment. On AWS this is
 * all there is (the site functions write to CloudWatch themselves; CloudWatch keeps and expires it),
 * so the reader is a port of its own rather than a store with write methods that would do nothing.
 */
export interface TelemetryReader {
  readonly name: string;
  /** Entries oldest first (see EntryQuery for which). */
  entries(query: EntryQuery): Promise<TelemetryEntry[]>;
  /** Errors since `sinceAt` grouped by message, most recent group first. */
  errorGroups(projectId: string, sinceAt: string): Promise<ErrorGroup[]>;
  /** Metric points (any resolution) whose period starts in [from, to), of one deployment or all. */
  metrics(projectId: string, from: number, to: number, deploymentId?: string): Promise<MetricPoint[]>;
  /** What retention has removed from a project so far. */
  dropped(projectId: string): Promise<DroppedCounts>;
}

/**
 * Runtime telemetry Slipway keeps itself (a SQLite file of its own locally): the reader, plus the
 * batched writes of the recorder, the roll-up and retention, and removal with the project.
 */
export interface TelemetryStore extends TelemetryReader {
  /** One batch in one write: entries get seqs higher than any before, metric deltas are added. */
  write(batch: TelemetryBatch): Promise<void>;
  /** Rolls minutes up to hours and hours up to days, then applies retention, as of `now`. */
  compact(policy: RetentionPolicy, now: number): Promise<CompactionResult>;
  deleteProject(projectId: string): Promise<void>;
  close(): Promise<void>;
}
