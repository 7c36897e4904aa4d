import type { TelemetryReader } from "@slipway/core";

/** What the telemetry routes need beyond the store; absent on a platform without telemetry. */
export interface TelemetryApi {
  readonly store: TelemetryReader;
  /** Bytes of static assets the project keeps now, and files uploaded since `sinceMs` (S3's share). */
  storageOf(projectId: string, sinceMs: number): Promise<{ bytes: number; uploads: number }>;
  /** What the recorder dropped before storage (queue full): never silent. */
  droppedBeforeStorage(): number;
  /** The platform's Prometheus exposition (content type and body), served at /metrics. */
  prometheus?: () => Promise<{ contentType: string; body: string }>;
  /** How often a live tail asks the reader for new entries. @default 200 */
  readonly tailPollMs?: number;
  /** Serve /metrics without a token (a Prometheus on a private network). @default false */
  readonly publicMetrics?: boolean;
}
