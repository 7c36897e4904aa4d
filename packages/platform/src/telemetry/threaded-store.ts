import { Worker } from "node:worker_threads";
import type { FunctionLine, RecorderStats, RequestRows, TelemetryStore } from "@slipway/core";
import { isBundleFresh } from "./fresh-bundle.ts";
import { transferablesOf } from "./request-columns.ts";
import type { TelemetrySummary } from "./summary.ts";
import type { FromThread, RecordingSettings, ToThread } from "./thread-messages.ts";

const PACKAGE = new URL("../../", import.meta.url);
const BUNDLE = new URL("dist/telemetry-thread.mjs", PACKAGE);
/** Without a fresh bundle the thread is TypeScript: a plain .mjs registers tsx, then loads it. */
const BOOT = new URL("./telemetry-thread-boot.mjs", import.meta.url);

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** What the recorder in the thread reports back to the request thread. */
export interface RecordingHooks {
  /** The project of a deployment (null when unknown: its records are dropped and counted). */
  projectOf(deploymentId: string): Promise<string | null>;
  /** A request batch is in the thread's recorder: `count` slots are free again. */
  onTaken(count: number): void;
  /** A written batch's buffers, back for the next batches (see RequestColumns.recycle). */
  onSpent(buffers: ArrayBuffer[]): void;
  onWritten(summary: TelemetrySummary, stats: RecorderStats): void;
  onFailed(error: string, stats: RecorderStats): void;
}

/** The recorder's side of the thread, for startTelemetry. */
export interface ThreadRecording {
  /**
   * Hands a batch of request records over; its typed arrays are transferred (unusable after).
   * False when the thread is gone (the caller counts them as dropped).
   */
  requests(batch: RequestRows): boolean;
  line(line: FunctionLine): boolean;
  /** Resolves once everything handed over so far is written. */
  flush(): Promise<void>;
}

export interface TelemetryThread extends TelemetryStore {
  /** Starts the recorder in the thread (once): records go in from here on. */
  startRecording(settings: RecordingSettings, hooks: RecordingHooks): ThreadRecording;
}

/**
 * The SQLite telemetry store in a worker thread, with the recorder beside it: every store call is
 * a message, and request records cross as transferred columns, so the request thread pays only
 * for filling them, never for building entries or inserting them. Same store contract as SQLite.
 */
export function createThreadedTelemetryStore(path: string): TelemetryThread {
  // The bundle `npm ci` built (build-telemetry-thread.mjs) spares the thread a TypeScript loader;
  // while a source it was built from is newer (the dev loop), the sources run as written.
  const fresh = isBundleFresh(BUNDLE, new URL("dist/telemetry-thread.inputs.json", PACKAGE), PACKAGE);
  const worker = new Worker(fresh ? BUNDLE : BOOT, { workerData: { path } });
  // Idle between batches: the thread must not keep the process alive on its own.
  worker.unref();
  const pending = new Map<number, Pending>();
  let hooks: RecordingHooks | null = null;
  let next = 0;
  let failure: Error | null = null;
  const send = (message: ToThread, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);

  worker.on("message", (message: FromThread) => {
    switch (message.type) {
      case "result": {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) call?.reject(new Error(`telemetry store: ${message.error}`));
        else call?.resolve(message.result);
        return;
      }
      case "taken":
        hooks?.onTaken(message.count);
        return;
      case "spent":
        hooks?.onSpent(message.buffers);
        return;
      case "written":
        hooks?.onWritten(message.summary, message.stats);
        return;
      case "failed":
        hooks?.onFailed(message.error, message.stats);
        return;
      case "project?": {
        const answer = (projectId: string | null) => send({ type: "project", id: message.id, projectId });
        hooks?.projectOf(message.deploymentId).then(answer, () => answer(null));
        return;
      }
    }
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`telemetry thread exited (code ${code})`)));

  const call = <T>(method: keyof TelemetryStore | "flushRecorder", ...args: unknown[]): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = ++next;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send({ type: "call", id, method, args });
    });
  };

  return {
    name: "sqlite-thread",
    write: (batch) => call("write", batch),
    entries: (query) => call("entries", query),
    errorGroups: (projectId, sinceAt) => call("errorGroups", projectId, sinceAt),
    metrics: (projectId, from, to, deploymentId) => call("metrics", projectId, from, to, deploymentId),
    compact: (policy, now) => call("compact", policy, now),
    dropped: (projectId) => call("dropped", projectId),
    deleteProject: (projectId) => call("deleteProject", projectId),
    startRecording(settings, recordingHooks) {
      if (hooks) throw new Error("the telemetry thread is already recording");
      hooks = recordingHooks;
      send({ type: "record", settings });
      return {
        requests: (batch) => {
          if (failure) return false;
          send({ type: "requests", batch }, transferablesOf(batch));
          return true;
        },
        line: (line) => {
          if (failure) return false;
          send({ type: "line", line });
          return true;
        },
        flush: () => call("flushRecorder"),
      };
    },
    async close() {
      if (failure) return;
      await call("close");
      await worker.terminate();
    },
  };
}
