// The telemetry store's own thread: it owns the SQLite connection, so inserting a batch (the
// costly part of request logging) never runs on the thread that serves requests.
import { parentPort, workerData } from "node:worker_threads";
import { createSqliteTelemetryStore } from "@slipway/local";

type Call = { id: number; method: string; args: unknown[] };

const store = createSqliteTelemetryStore((workerData as { path: string }).path);
const port = parentPort;
if (!port) throw new Error("telemetry-thread.ts runs as a worker thread only");

port.on("message", async ({ id, method, args }: Call) => {
  try {
    const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (typeof fn !== "function") throw new Error(`unknown telemetry method ${method}`);
    const result = await fn.apply(store, args);
    port.postMessage({ id, result });
    if (method === "close") port.close();
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
