import type { TelemetryApi } from "@slipway/api";
import {
  type ClientIpMode,
  DEFAULT_RETENTION,
  type Masker,
  type RecorderStats,
  type RetentionPolicy,
  type Store,
} from "@slipway/core";
import { parseWorkerLine, type RequestReport } from "@slipway/runtime";
import { createAssetStorage } from "./asset-storage.ts";
import { createPlatformMetrics } from "./prometheus.ts";
import { RequestColumns } from "./request-columns.ts";
import type { TelemetryThread } from "./threaded-store.ts";

/** Rollups and retention run this often (and once at start). */
const COMPACT_EVERY_MS = 10 * 60_000;

export interface TelemetrySettings {
  readonly deploymentsDir: string;
  readonly clientIp: ClientIpMode;
  readonly retention: RetentionPolicy;
  readonly publicMetrics: boolean;
  /** The function memory limit (MB) GB-seconds are counted with. */
  readonly memoryMb: number;
}

export interface RunningTelemetry {
  /** The edge's `onRequest`: a few writes into the columns the telemetry thread gets, nothing awaited. */
  onRequest(report: RequestReport): void;
  /** A worker's output line: tagged console records become log entries (and errors). */
  onFunctionLine(deploymentId: string, stream: "stdout" | "stderr", line: string): void;
  readonly api: TelemetryApi;
  stop(): Promise<void>;
}

export function retentionOf(config: { logRetentionDays: number; logMaxEntriesPerProject: number }): RetentionPolicy {
  return {
    ...DEFAULT_RETENTION,
    logsMaxAgeMs: config.logRetentionDays * 86_400_000,
    maxEntriesPerProject: config.logMaxEntriesPerProject,
  };
}

/**
 * Request records per batch handed to the telemetry thread (a batch is sent full or after FLUSH_MS).
 * Fewer, larger batches cost that thread less per record (0.5–0.9 µs against 0.7–1.1 µs with 2,048:
 * `bench/telemetry-cost.ts 33000 3 3`); a label index is 16-bit, so RequestColumns takes at most 8,191.
 */
const BATCH = 8000;
/** A live tail sees a request within this (plus the store write and the tail's own poll). */
const FLUSH_MS = 250;
/** Records handed over but not yet in the thread's recorder, and waiting there: beyond, new ones are dropped and counted. */
const MAX_PENDING = 50_000;

/**
 * Request logging with the request thread doing as little as possible: each report is copied into
 * preallocated columns (a few array writes, no object kept), and every BATCH records or FLUSH_MS
 * the columns are transferred to the telemetry thread (`<data>/telemetry.db`), where the recorder
 * builds entries, minute metrics and errors and writes them. The thread sends back per-batch sums
 * for the Prometheus counters. Compaction runs there too.
 */
export function startTelemetry(
  settings: TelemetrySettings,
  deps: {
    store: Store;
    /** Owned from here on: closed by `stop`. */
    telemetryStore: TelemetryThread;
    maskerOf: (deploymentId: string) => Masker;
    edgeCache: () => { entries: number; bytes: number };
    log: (line: string) => void;
  },
): RunningTelemetry {
  const store = deps.telemetryStore;
  let threadStats: RecorderStats = { written: 0, droppedOverflow: 0, droppedUnknown: 0, failedBatches: 0 };
  /** Dropped on this side: columns full while the thread is behind, or the thread gone. */
  let droppedHere = 0;
  const dropped = () => droppedHere + threadStats.droppedOverflow;
  const metrics = createPlatformMetrics({ droppedBeforeStorage: dropped, edgeCache: deps.edgeCache });
  let inFlight = 0;
  const columns = new RequestColumns(BATCH);
  const recording = store.startRecording(
    { clientIp: settings.clientIp, memoryMb: settings.memoryMb, flushMs: FLUSH_MS, maxPending: MAX_PENDING },
    {
      projectOf: async (id) => (await deps.store.deployments.get(id))?.projectId ?? null,
      onTaken: (count) => {
        inFlight -= count;
      },
      onSpent: (buffers) => columns.recycle(buffers),
      onWritten: (summary, stats) => {
        threadStats = stats;
        metrics.observe(summary);
      },
      onFailed: (error, stats) => {
        threadStats = stats;
        deps.log(`telemetry: a batch could not be written: ${error}`);
      },
    },
  );

  let timer: NodeJS.Timeout | null = null;
  const handOver = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (columns.size === 0) return;
    // Secrets never leave this thread: paths are masked here, per deployment, once per batch.
    columns.mapPaths(deps.maskerOf);
    const batch = columns.take();
    if (recording.requests(batch)) inFlight += batch.count;
    else droppedHere += batch.count;
  };

  let compacting: Promise<void> = Promise.resolve();
  const compact = () => {
    compacting = compacting
      .then(() => store.compact(settings.retention, Date.now()))
      .then(({ dropped }) => {
        const total = dropped.entries + dropped.errors + dropped.metricDays;
        if (total > 0)
          deps.log(
            `telemetry retention removed ${dropped.entries} log entries, ${dropped.errors} errors, ${dropped.metricDays} metric days`,
          );
      })
      .catch((error: unknown) => deps.log(`telemetry: compaction failed: ${String(error)}`));
  };
  compact();
  const compaction = setInterval(compact, COMPACT_EVERY_MS);
  compaction.unref();

  return {
    onRequest(report) {
      if (report.deploymentId === null) return;
      if (inFlight + columns.size >= MAX_PENDING) {
        droppedHere += 1;
        return;
      }
      columns.append(report, Date.now());
      if (columns.size === columns.capacity) handOver();
      else if (!timer) {
        timer = setTimeout(handOver, FLUSH_MS);
        timer.unref();
      }
    },
    onFunctionLine(deploymentId, stream, line) {
      const parsed = parseWorkerLine(stream, line);
      const hide = deps.maskerOf(deploymentId);
      const sent = recording.line({
        deploymentId,
        requestId: parsed.requestId,
        level: parsed.level,
        text: hide(parsed.text),
        stack: parsed.stack === null ? null : hide(parsed.stack),
        at: Date.now(),
      });
      if (!sent) droppedHere += 1;
    },
    api: {
      store,
      storageOf: createAssetStorage(deps.store, settings.deploymentsDir),
      droppedBeforeStorage: dropped,
      prometheus: metrics.render,
      publicMetrics: settings.publicMetrics,
    },
    async stop() {
      clearInterval(compaction);
      handOver();
      await recording.flush();
      await compacting;
      await store.close();
    },
  };
}
