// `node --import tsx bench/telemetry-cost.ts [rate] [seconds] [rounds]`: what request logging
// costs per request without a network or a load generator in the way. Synthetic edge reports are
// fed at `rate` per second into the platform's telemetry (request columns → telemetry thread →
// SQLite), in alternating rounds with logging off and on, same process. Printed per round: CPU of
// the whole process (every thread) per request, and the request thread's busy time per request
// (event loop utilization), each as on minus off; then the "on" round's CPU per request by thread
// (the request thread, the telemetry thread, the rest).
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_RETENTION, type Store } from "@slipway/core";
import { createThreadedTelemetryStore, startTelemetry } from "@slipway/platform";
import { syntheticReport } from "./synthetic-report.ts";
import { splitPerRequest, type ThreadSplit, threadCpu } from "./thread-cpu.ts";

const RATE = Number(process.argv[2] ?? 5000);
const SECONDS = Number(process.argv[3] ?? 3);
const ROUNDS = Number(process.argv[4] ?? 5);
const TICK_MS = 10;

const dir = await mkdtemp(path.join(os.tmpdir(), "slipway-telemetry-cost-"));
const store = { deployments: { get: async () => ({ projectId: "prj_bench" }) } } as unknown as Store;
const telemetry = startTelemetry(
  { deploymentsDir: dir, clientIp: "masked", retention: DEFAULT_RETENTION, publicMetrics: false, memoryMb: 1024 },
  {
    store,
    telemetryStore: createThreadedTelemetryStore(path.join(dir, "telemetry.db")),
    maskerOf: () => (text) => text,
    edgeCache: () => ({ entries: 0, bytes: 0 }),
    log: (line) => process.stderr.write(`${line}\n`),
  },
);
await telemetry.api.store.dropped("prj_bench"); // the thread is up

/** One round: [CPU µs per request (all threads), request thread busy µs per request, CPU per request by thread]. */
async function round(on: boolean): Promise<[number, number, ThreadSplit]> {
  const threads = threadCpu();
  const perTick = Math.round((RATE * TICK_MS) / 1000);
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  let sent = 0;
  for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
    for (let i = 0; i < perTick; i++) {
      const report = syntheticReport(randomUUID());
      if (on) telemetry.onRequest(report);
      sent++;
    }
    const wait = started + (tick + 1) * TICK_MS - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  // The thread finishes the last batch inside the round it belongs to.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(loop);
  return [(used.user + used.system) / sent, (busy.active * 1000) / sent, splitPerRequest(threads, threadCpu(), sent)];
}

for (let i = 0; i < ROUNDS; i++) {
  const [cpuOff, busyOff] = await round(false);
  const [cpuOn, busyOn, split] = await round(true);
  console.log(
    `round ${i + 1}: CPU per request ${(cpuOn - cpuOff).toFixed(1)} µs (on ${cpuOn.toFixed(1)}, off ${cpuOff.toFixed(1)}); request thread ${(busyOn - busyOff).toFixed(1)} µs; "on" by thread ${split.request.toFixed(2)} / ${split.telemetry.toFixed(2)} / ${split.rest.toFixed(2)} µs (request / telemetry / rest)`,
  );
}
await telemetry.stop();
console.log(`dropped before storage: ${telemetry.api.droppedBeforeStorage()}`);
await rm(dir, { recursive: true, force: true });
