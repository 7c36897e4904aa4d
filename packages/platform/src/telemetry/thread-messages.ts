import type { ClientIpMode, FunctionLine, RecorderStats, RequestRows } from "@slipway/core";
import type { TelemetrySummary } from "./summary.ts";

/** How the telemetry thread records (set once, by `startRecording`). */
export interface RecordingSettings {
  readonly clientIp: ClientIpMode;
  readonly memoryMb: number;
  /** Function log lines wait at most this long in the thread before they are written. */
  readonly flushMs: number;
  /** Beyond this many items waiting in the thread, new ones are dropped and counted. */
  readonly maxPending: number;
}

/** The request thread → the telemetry thread. */
export type ToThread =
  /** A TelemetryStore call, or `flushRecorder` (writes what the thread holds; resolves when written). */
  | { readonly type: "call"; readonly id: number; readonly method: string; readonly args: unknown[] }
  | { readonly type: "record"; readonly settings: RecordingSettings }
  | { readonly type: "requests"; readonly batch: RequestRows }
  | { readonly type: "line"; readonly line: FunctionLine }
  | { readonly type: "project"; readonly id: number; readonly projectId: string | null };

/** The telemetry thread → the request thread. */
export type FromThread =
  | { readonly type: "result"; readonly id: number; readonly result?: unknown; readonly error?: string }
  /** A requests batch is in the recorder's hands (written or counted): its slots are free again. */
  | { readonly type: "taken"; readonly count: number }
  /** A requests batch is written: its typed arrays' buffers come back, transferred, for reuse. */
  | { readonly type: "spent"; readonly buffers: ArrayBuffer[] }
  | { readonly type: "written"; readonly summary: TelemetrySummary; readonly stats: RecorderStats }
  | { readonly type: "failed"; readonly error: string; readonly stats: RecorderStats }
  | { readonly type: "project?"; readonly id: number; readonly deploymentId: string };
