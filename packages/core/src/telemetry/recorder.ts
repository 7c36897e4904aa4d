import type { Masker } from "../domain/mask.ts";
import type { TelemetryStore } from "../ports/telemetry-store.ts";
import { addLatency } from "./latency-histogram.ts";
import type { ErrorEvent, LogLevel, MetricDelta, NewTelemetryEntry, TelemetryBatch } from "./model.ts";

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
  line(line: FunctionLine): void;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  readonly stats: Readonly<RecorderStats>;
  close(): Promise<void>;
}

const MAX_TEXT = 8 * 1024;
const MAX_PATH = 2048;
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
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  let flushQueued = false;

  function schedule(): void {
    const pending = requests.length + lines.length;
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

  function accept(): boolean {
    if (requests.length + lines.length < maxPending) return true;
    stats.droppedOverflow += 1;
    return false;
  }

  async function projectOf(deploymentId: string): Promise<string | null> {
    if (projects.has(deploymentId)) return projects.get(deploymentId) ?? null;
    const projectId = await options.projectOf(deploymentId);
    // Unknown stays unknown only briefly: a deployment row is written before any traffic reaches it.
    if (projectId !== null) projects.set(deploymentId, projectId);
    return projectId;
  }

  async function buildBatch(takenRequests: ServedRequest[], takenLines: FunctionLine[]): Promise<TelemetryBatch> {
    const entries: NewTelemetryEntry[] = [];
    const errors: ErrorEvent[] = [];
    const metrics = new Map<string, MetricDelta & { latency: Record<string, number> }>();
    const ids = new Set([...takenRequests.map((r) => r.deploymentId), ...takenLines.map((l) => l.deploymentId)]);
    const resolved = new Map<string, string | null>();
    for (const id of ids) resolved.set(id, await projectOf(id));
    const mask = (deploymentId: string) => options.maskerOf?.(deploymentId) ?? ((text: string) => text);

    for (const line of takenLines) {
      const projectId = resolved.get(line.deploymentId);
      if (!projectId) {
        stats.droppedUnknown += 1;
        continue;
      }
      const hide = mask(line.deploymentId);
      const at = new Date(line.at).toISOString();
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

    for (const request of takenRequests) {
      const projectId = resolved.get(request.deploymentId);
      if (!projectId) {
        stats.droppedUnknown += 1;
        continue;
      }
      const hide = mask(request.deploymentId);
      const at = new Date(request.endedAt).toISOString();
      const path = hide(request.path).slice(0, MAX_PATH);
      const { endedAt: _, ...fields } = request;
      const clientIp = options.maskIp ? options.maskIp(request.clientIp) : request.clientIp;
      entries.push({ kind: "request", at, projectId, ...fields, path, clientIp });
      if (request.status >= 500 && !recentExceptions.has(request.requestId)) {
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
      const key = `${request.deploymentId}\u0000${start}`;
      let delta = metrics.get(key);
      if (!delta) {
        delta = {
          projectId,
          deploymentId: request.deploymentId,
          start,
          requests: 0,
          errors: 0,
          coldStarts: 0,
          gbSeconds: 0,
          bytesOut: 0,
          invocations: 0,
          latency: {},
        };
        metrics.set(key, delta);
      }
      const invoked = request.servedBy === "function" || request.servedBy === "image";
      Object.assign(delta, {
        requests: delta.requests + 1,
        errors: delta.errors + (request.status >= 500 ? 1 : 0),
        coldStarts: delta.coldStarts + (request.coldStart ? 1 : 0),
        gbSeconds: delta.gbSeconds + (invoked ? (options.memoryMb / bytesPerGb) * (request.durationMs / 1000) : 0),
        bytesOut: delta.bytesOut + request.bytes,
        invocations: delta.invocations + (invoked ? 1 : 0),
      });
      addLatency(delta.latency, request.durationMs);
    }
    return { entries, errors, metrics: [...metrics.values()] };
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
      if (requests.length === 0 && lines.length === 0) return;
      const takenRequests = requests;
      const takenLines = lines;
      requests = [];
      lines = [];
      try {
        const batch = await buildBatch(takenRequests, takenLines);
        await options.store.write(batch);
        stats.written += batch.entries.length;
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

/** The grouping key of an error: its first line ("TypeError: x is undefined"), bounded. */
export function errorMessageOf(stackOrText: string): string {
  const first = stackOrText.split("\n", 1)[0]?.trim() ?? "";
  return (first || "Error").slice(0, 300);
}
