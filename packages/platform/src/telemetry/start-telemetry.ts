import type { TelemetryApi } from "@slipway/api";
import {
  type ClientIpMode,
  createTelemetryRecorder,
  DEFAULT_RETENTION,
  type Masker,
  maskClientIp,
  type RetentionPolicy,
  type Store,
  type TelemetryStore,
} from "@slipway/core";
import { parseWorkerLine, type RequestReport } from "@slipway/runtime";
import { createAssetStorage } from "./asset-storage.ts";
import { createPlatformMetrics } from "./prometheus.ts";

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
  /** The edge's `onRequest`: a push onto the recorder's queue, nothing awaited. */
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

/** The batching recorder in front of the telemetry store (`<data>/telemetry.db`), compaction, and Prometheus. */
export function startTelemetry(
  settings: TelemetrySettings,
  deps: {
    store: Store;
    /** Owned from here on: closed by `stop`. */
    telemetryStore: TelemetryStore;
    maskerOf: (deploymentId: string) => Masker;
    edgeCache: () => { entries: number; bytes: number };
    log: (line: string) => void;
  },
): RunningTelemetry {
  const store = deps.telemetryStore;
  const metrics = createPlatformMetrics({
    droppedBeforeStorage: () => recorder.stats.droppedOverflow,
    edgeCache: deps.edgeCache,
  });
  const recorder = createTelemetryRecorder({
    store,
    projectOf: async (id) => (await deps.store.deployments.get(id))?.projectId ?? null,
    maskerOf: deps.maskerOf,
    maskIp: (raw) => maskClientIp(raw, settings.clientIp),
    memoryMb: settings.memoryMb,
    onBatch: metrics.observe,
    onError: (error) => deps.log(`telemetry: a batch could not be written: ${String(error)}`),
  });

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
  const timer = setInterval(compact, COMPACT_EVERY_MS);
  timer.unref();

  return {
    onRequest(report) {
      if (report.deploymentId === null) return;
      recorder.request({
        requestId: report.requestId,
        deploymentId: report.deploymentId,
        method: report.method,
        path: report.path,
        status: report.status,
        durationMs: report.durationMs,
        bytes: report.bytes,
        coldStart: report.coldStart,
        servedBy: report.servedBy,
        cache: report.cache,
        clientIp: report.clientIp,
        endedAt: Date.now(),
      });
    },
    onFunctionLine(deploymentId, stream, line) {
      const parsed = parseWorkerLine(stream, line);
      recorder.line({ deploymentId, ...parsed, at: Date.now() });
    },
    api: {
      store,
      storageOf: createAssetStorage(deps.store, settings.deploymentsDir),
      droppedBeforeStorage: () => recorder.stats.droppedOverflow,
      prometheus: metrics.render,
      publicMetrics: settings.publicMetrics,
    },
    async stop() {
      clearInterval(timer);
      await recorder.close();
      await compacting;
      await store.close();
    },
  };
}
