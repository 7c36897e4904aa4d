// The telemetry thread: it owns the SQLite connection and the recorder, so turning request
// records into log entries, minute metrics and error events, and inserting them (the costly part
// of request logging), never runs on the thread that serves requests.
import { parentPort, workerData } from "node:worker_threads";
// Subpaths, not the barrels: this thread loads only what it runs (each module loaded is memory
// the idle platform keeps).
import { createTelemetryRecorder, maskClientIp, type TelemetryRecorder } from "@slipway/core/telemetry";
import { createSqliteTelemetryStore } from "@slipway/local/telemetry-store";
import { transferablesOf } from "./request-columns.ts";
import { summarize } from "./summary.ts";
import type { FromThread, RecordingSettings, ToThread } from "./thread-messages.ts";

const store = createSqliteTelemetryStore((workerData as { path: string }).path);
const port = parentPort;
if (!port) throw new Error("telemetry-thread.ts runs as a worker thread only");
const post = (message: FromThread) => port.postMessage(message);

let recorder: TelemetryRecorder | null = null;
const askedProjects = new Map<number, (projectId: string | null) => void>();
let asked = 0;

function startRecorder(settings: RecordingSettings): TelemetryRecorder {
  // Clients come back: each address is masked once, not once per request.
  const maskedIps = new Map<string, string>();
  const created = createTelemetryRecorder({
    store,
    // The deployments table lives with the request thread's store: ask it (the recorder caches).
    projectOf: (deploymentId) =>
      new Promise((resolve) => {
        const id = ++asked;
        askedProjects.set(id, resolve);
        post({ type: "project?", id, deploymentId });
      }),
    maskIp: (raw) => {
      let masked = maskedIps.get(raw);
      if (masked === undefined) {
        if (maskedIps.size >= 10_000) maskedIps.clear();
        masked = maskClientIp(raw, settings.clientIp);
        maskedIps.set(raw, masked);
      }
      return masked;
    },
    memoryMb: settings.memoryMb,
    flushMs: settings.flushMs,
    maxPending: settings.maxPending,
    // Requests arrive batched already: the recorder writes each such batch as it comes.
    maxBatch: Number.MAX_SAFE_INTEGER,
    onBatch: (batch) => post({ type: "written", summary: summarize(batch), stats: { ...created.stats } }),
    onError: (error) => post({ type: "failed", error: String(error), stats: { ...created.stats } }),
  });
  return created;
}

async function call(method: string, args: unknown[]): Promise<unknown> {
  if (method === "flushRecorder") return recorder?.flush();
  if (method === "close") await recorder?.close();
  const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
  if (typeof fn !== "function") throw new Error(`unknown telemetry method ${method}`);
  return fn.apply(store, args);
}

port.on("message", async (message: ToThread) => {
  switch (message.type) {
    case "requests": {
      const target = recorder;
      target?.requestRows(message.batch);
      post({ type: "taken", count: message.batch.count });
      await target?.flush();
      // Written (or dropped): nothing here reads the columns again, so the request thread may
      // fill them anew instead of allocating fresh ones for every batch.
      const buffers = transferablesOf(message.batch);
      port.postMessage({ type: "spent", buffers } satisfies FromThread, buffers);
      return;
    }
    case "line":
      recorder?.line(message.line);
      return;
    case "project":
      askedProjects.get(message.id)?.(message.projectId);
      askedProjects.delete(message.id);
      return;
    case "record":
      recorder ??= startRecorder(message.settings);
      return;
    case "call":
      try {
        const result = await call(message.method, message.args);
        post({ type: "result", id: message.id, result });
        if (message.method === "close") port.close();
      } catch (error) {
        post({
          type: "result",
          id: message.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      return;
  }
});
