import type { Masker } from "../domain/mask.ts";
import type { TelemetryStore } from "../ports/telemetry-store.ts";
import { createIsoFormatter } from "./iso-time.ts";
import { addLatency } from "./latency-histogram.ts";
import type { ErrorEvent, LogLevel, NewTelemetryEntry, TelemetryBatch } from "./model.ts";
import { MAX_PATH, type MinuteSums, recordRows } from "./record-rows.ts";
import { LABEL, type ProjectRequestRows, type RequestRows, ROW_LABELS } from "./request-rows.ts";

/** A request the edge answered, as the edge reports it (the client address masked when written). */
export interface ServedRequest {
  readonly requestId: string;
  readonly deploymentId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly coldStart: boolean;
  readonly servedBy: string;
  readonly cache: string | null;
  readonly clientIp: string;
  /** Epoch ms the response ended. */
  readonly endedAt: number;
}

/** A line a function wrote; `stack` when it logged an Error (the worker sends its stack). */
export interface FunctionLine {
  readonly deploymentId: string;
  readonly requestId: string | null;
  readonly level: LogLevel;
  readonly text: string;
  readonly stack?: string | null;
  readonly at: number;
}

export interface TelemetryRecorderOptions {
  readonly store: TelemetryStore;
  /** The project of a deployment (cached here); null for an unknown one, whose data is dropped. */
  readonly projectOf: (deploymentId: string) => Promise<string | null>;
  /** Secrets of the deployment hidden from every stored line, path and stack. */
  readonly maskerOf?: (deploymentId: string) => Masker;
  /** What the request log keeps of a client's address (at flush time, off the request path). */
  readonly maskIp?: (raw: string) => string;
  /** The function memory limit in MB, for GB-seconds. */
  readonly memoryMb: number;
  /** @default 250 */
  readonly flushMs?: number;
  /** A batch this large is written at once rather than at the next tick. @default 500 */
  readonly maxBatch?: number;
  /** Beyond this many waiting items (the store cannot keep up) new ones are dropped and counted. @default 50_000 */
  readonly maxPending?: number;
  /** After each written batch (Prometheus counters feed on it, off the request path). */
  readonly onBatch?: (batch: TelemetryBatch) => void;
  readonly onError?: (error: unknown) => void;
}

export interface RecorderStats {
  written: number;
  /** Dropped because the queue was full: never silent, exported as a metric. */
  droppedOverflow: number;
  /** Dropped because their deployment is unknown (removed meanwhile). */
  droppedUnknown: number;
  failedBatches: number;
}

export interface TelemetryRecorder {
  /** O(1), synchronous: called on the request path. */
  request(request: ServedRequest): void;
  /** Requests already in columns (the edge's telemetry thread): the rows are owned from here on. */
  requestRows(rows: RequestRows): void;
  line(line: FunctionLine): void;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  readonly stats: Readonly<RecorderStats>;
  close(): Promise<void>;
}

const unmasked: Masker = (text) => text;

const MAX_TEXT = 8 * 1024;
/** Request ids of recent exceptions: their 5xx is that error, not a second one. */
const RECENT_EXCEPTIONS = 2048;

/**
 * Telemetry off the request path: the edge and the function host only push onto a queue; every
 * `flushMs` (or at `maxBatch` items) the queue becomes one batch — entries, error events and the
 * minute metrics summed from the requests — written to the store in one call.
 */
export function createTelemetryRecorder(options: TelemetryRecorderOptions): TelemetryRecorder {
  const flushMs = options.flushMs ?? 250;
  const maxBatch = options.maxBatch ?? 500;
  const maxPending = options.maxPending ?? 50_000;
  const bytesPerGb = 1024;
  const projects = new Map<string, string | null>();
  const recentExceptions = new Set<string>();
  const stats: RecorderStats = { written: 0, droppedOverflow: 0, droppedUnknown: 0, failedBatches: 0 };
  let requests: ServedRequest[] = [];
  let lines: FunctionLine[] = [];
  let rowBatches: RequestRows[] = [];
  let rowCount = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  let flushQueued = false;

  function schedule(): void {
    const pending = requests.length + lines.length + rowCount;
    if (pending >= maxBatch) {
      // One flush in waiting at a time: under load, every push past the limit would queue another.
      if (flushQueued) return;
      if (timer) clearTimeout(timer);
      timer = null;
      flushQueued = true;
      void flush();
    } else if (!timer && !closed) {
      timer = setTimeout(() => {
        timer = null;
        void flush();
      }, flushMs);
      timer.unref();
    }
  }

  function accept(count = 1): boolean {
    if (requests.length + lines.length + rowCount + count <= maxPending) return true;
    stats.droppedOverflow += count;
    return false;
  }

  async function projectOf(deploymentId: string): Promise<string | null> {
    if (projects.has(deploymentId)) return projects.get(deploymentId) ?? null;
    const projectId = await options.projectOf(deploymentId);
    // Unknown stays unknown only briefly: a deployment row is written before any traffic reaches it.
    if (projectId !== null) projects.set(deploymentId, projectId);
    return projectId;
  }

  async function buildBatch(
    takenRequests: ServedRequest[],
    takenLines: FunctionLine[],
    takenRows: RequestRows[],
  ): Promise<TelemetryBatch> {
    const entries: NewTelemetryEntry[] = [];
    const errors: ErrorEvent[] = [];
    const metrics: MinuteSums[] = [];
    const resolved = new Map<string, string | null>();
    for (const item of takenRequests) if (!resolved.has(item.deploymentId)) resolved.set(item.deploymentId, null);
    for (const item of takenLines) if (!resolved.has(item.deploymentId)) resolved.set(item.deploymentId, null);
    for (const rows of takenRows) for (const id of deploymentsOf(rows)) resolved.set(id, null);
    for (const id of resolved.keys()) resolved.set(id, await projectOf(id));
    // One masker per deployment and batch, not one per item.
    const maskers = new Map<string, Masker>();
    const mask = (deploymentId: string): Masker => {
      let hide = maskers.get(deploymentId);
      if (!hide) {
        hide = options.maskerOf?.(deploymentId) ?? unmasked;
        maskers.set(deploymentId, hide);
      }
      return hide;
    };
    const iso = createIsoFormatter();

    for (const line of takenLines) {
      const projectId = resolved.get(line.deploymentId);
      if (!projectId) {
        stats.droppedUnknown += 1;
        continue;
      }
      const hide = mask(line.deploymentId);
      const at = iso(line.at);
      const text = hide(line.text).slice(0, MAX_TEXT);
      entries.push({
        kind: "log",
        at,
        projectId,
        deploymentId: line.deploymentId,
        requestId: line.requestId,
        level: line.level,
        text,
      });
      if (line.stack) {
        const stack = hide(line.stack).slice(0, MAX_TEXT);
        errors.push({
          at,
          projectId,
          deploymentId: line.deploymentId,
          requestId: line.requestId,
          message: errorMessageOf(stack),
          stack,
        });
        if (line.requestId) remember(line.requestId);
      }
    }

    const sumsOf = (projectId: string, deploymentId: string, start: number): MinuteSums => {
      let found = metrics.find((m) => m.start === start && m.deploymentId === deploymentId);
      if (!found) {
        found = {
          projectId,
          deploymentId,
          start,
          requests: 0,
          errors: 0,
          coldStarts: 0,
          gbSeconds: 0,
          bytesOut: 0,
          invocations: 0,
          latency: {},
        };
        metrics.push(found);
      }
      return found;
    };
    // Requests come in time order, mostly of one deployment: the last minute's sums are reused.
    let sums: MinuteSums | null = null;
    const gbPerMs = options.memoryMb / bytesPerGb / 1000;
    for (const request of takenRequests) {
      const projectId = resolved.get(request.deploymentId);
      if (!projectId) {
        stats.droppedUnknown += 1;
        continue;
      }
      const at = iso(request.endedAt);
      const path = mask(request.deploymentId)(request.path).slice(0, MAX_PATH);
      entries.push({
        kind: "request",
        at,
        projectId,
        deploymentId: request.deploymentId,
        requestId: request.requestId,
        method: request.method,
        path,
        status: request.status,
        durationMs: request.durationMs,
        bytes: request.bytes,
        coldStart: request.coldStart,
        servedBy: request.servedBy,
        cache: request.cache,
        clientIp: options.maskIp ? options.maskIp(request.clientIp) : request.clientIp,
      });
      const failed = request.status >= 500;
      // Error events are the rare case: their strings are built only here.
      if (failed && !recentExceptions.has(request.requestId)) {
        const pathOnly = path.split("?")[0] ?? path;
        errors.push({
          at,
          projectId,
          deploymentId: request.deploymentId,
          requestId: request.requestId,
          message: `HTTP ${request.status} ${request.method} ${pathOnly}`,
          stack: null,
        });
      }
      const start = Math.floor(request.endedAt / 60_000) * 60_000;
      if (!sums || sums.start !== start || sums.deploymentId !== request.deploymentId)
        sums = sumsOf(projectId, request.deploymentId, start);
      const invoked = request.servedBy === "function" || request.servedBy === "image";
      sums.requests += 1;
      if (failed) sums.errors += 1;
      if (request.coldStart) sums.coldStarts += 1;
      if (invoked) {
        sums.gbSeconds += gbPerMs * request.durationMs;
        sums.invocations += 1;
      }
      sums.bytesOut += request.bytes;
      addLatency(sums.latency, request.durationMs);
    }
    const requestRows: ProjectRequestRows[] = [];
    for (const rows of takenRows) {
      const recorded = recordRows(rows, {
        projectOf: (deploymentId) => resolved.get(deploymentId) ?? null,
        maskerOf: options.maskerOf,
        maskIp: options.maskIp,
        gbPerMs,
        sumsOf,
        excepted: (requestId) => recentExceptions.has(requestId),
        iso,
      });
      requestRows.push(...recorded.projectRows);
      errors.push(...recorded.errors);
      stats.droppedUnknown += recorded.unknown;
    }
    return { entries, requestRows, errors, metrics };
  }

  function remember(requestId: string): void {
    recentExceptions.add(requestId);
    if (recentExceptions.size > RECENT_EXCEPTIONS) {
      const oldest = recentExceptions.values().next().value;
      if (oldest !== undefined) recentExceptions.delete(oldest);
    }
  }

  function flush(): Promise<void> {
    // One batch at a time, in order: a tail never sees a later seq before an earlier one is written.
    writing = writing.then(async () => {
      flushQueued = false;
      if (requests.length === 0 && lines.length === 0 && rowCount === 0) return;
      const takenRequests = requests;
      const takenLines = lines;
      const takenRows = rowBatches;
      requests = [];
      lines = [];
      rowBatches = [];
      rowCount = 0;
      try {
        const batch = await buildBatch(takenRequests, takenLines, takenRows);
        await options.store.write(batch);
        stats.written += batch.entries.length;
        for (const { rows } of batch.requestRows ?? []) stats.written += rows.count;
        options.onBatch?.(batch);
      } catch (error) {
        stats.failedBatches += 1;
        options.onError?.(error);
      }
    });
    return writing;
  }

  return {
    request(request) {
      if (!accept()) return;
      requests.push(request);
      schedule();
    },
    requestRows(rows) {
      if (rows.count === 0 || !accept(rows.count)) return;
      rowBatches.push(rows);
      rowCount += rows.count;
      schedule();
    },
    line(line) {
      if (!accept()) return;
      lines.push(line);
      schedule();
    },
    flush,
    stats,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
    },
  };
}

/** The distinct deployments the rows name. */
function deploymentsOf(rows: RequestRows): Set<string> {
  const labels = new Set<number>();
  for (let at = LABEL.deployment; at < rows.count * ROW_LABELS; at += ROW_LABELS) labels.add(rows.labels[at] as number);
  return new Set([...labels].map((label) => rows.table[label] as string));
}

/** The grouping key of an error: its first line ("TypeError: x is undefined"), bounded. */
export function errorMessageOf(stackOrText: string): string {
  const first = stackOrText.split("\n", 1)[0]?.trim() ?? "";
  return (first || "Error").slice(0, 300);
}
