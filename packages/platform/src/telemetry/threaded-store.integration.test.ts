import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTelemetryStoreContract } from "@slipway/core/contracts";
import { afterAll } from "vitest";
import { createThreadedTelemetryStore } from "./threaded-store.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The same contract as the SQLite store it carries: nothing is lost or changed crossing threads.
runTelemetryStoreContract({
  name: "sqlite in a worker thread",
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-telemetry-thread-"));
    dirs.push(dir);
    return createThreadedTelemetryStore(join(dir, "telemetry.db"));
  },
});
