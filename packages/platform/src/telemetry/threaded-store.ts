import { Worker } from "node:worker_threads";
import type { TelemetryStore } from "@slipway/core";

/** The thread is TypeScript like the rest of the platform: a plain .mjs registers tsx, then loads it. */
const THREAD = new URL("./telemetry-thread-boot.mjs", import.meta.url);

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The SQLite telemetry store in a worker thread: every call is a message, so the request thread
 * pays only for copying a batch across, never for the inserts. Same contract as the store itself.
 */
export function createThreadedTelemetryStore(path: string): TelemetryStore {
  const worker = new Worker(THREAD, { workerData: { path } });
  // Idle between batches: the thread must not keep the process alive on its own.
  worker.unref();
  const pending = new Map<number, Pending>();
  let next = 0;
  let failure: Error | null = null;
  worker.on("message", ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error !== undefined) call?.reject(new Error(`telemetry store: ${error}`));
    else call?.resolve(result);
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`telemetry thread exited (code ${code})`)));

  const call = <T>(method: keyof TelemetryStore, ...args: unknown[]): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = ++next;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args });
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
    async close() {
      if (failure) return;
      await call("close");
      await worker.terminate();
    },
  };
}
