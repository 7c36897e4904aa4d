import http from "node:http";
import type { WorkerProcess } from "./worker-process.ts";

/**
 * A real request straight to a worker (no edge): proves the bundle imports, renders and reaches
 * its cache. Resolves with the status; a crash or timeout resolves with 502/504 (never hangs).
 */
export function warmRequest(worker: WorkerProcess, path: string, host: string, timeoutMs: number): Promise<number> {
  worker.inflight++;
  return new Promise<number>((resolve) => {
    const stopWatching = worker.onExit(() => done(502, true));
    const timer = setTimeout(() => {
      done(504, true);
      worker.retire("timeout");
    }, timeoutMs);
    function done(status: number, abort = false) {
      clearTimeout(timer);
      stopWatching();
      if (abort) req.destroy();
      resolve(status);
    }
    const req = http.get(
      { socketPath: worker.socketPath, agent: worker.agent, path, headers: { host, "x-request-id": "slipway-warm" } },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 502));
        res.on("error", () => done(502, true));
      },
    );
    req.on("error", () => done(502, true));
  }).finally(() => {
    worker.inflight--;
    worker.lastUsed = Date.now();
  });
}
