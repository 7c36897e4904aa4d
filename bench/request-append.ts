// `node --import tsx bench/request-append.ts`: what logging a request costs the request thread in
// isolation. Fresh report objects go into RequestColumns with request ids made either way the edge
// could make them (crypto.randomUUID's ~20-piece string against randomRequestId's flat one), then
// full batches are masked, taken and posted to a worker that hands the buffers back, as the
// platform does. Both id kinds alternate over several rounds; ns per request.
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { RequestColumns, transferablesOf } from "../packages/platform/src/telemetry/request-columns.ts";
import { randomRequestId } from "../packages/runtime/src/edge/request-id.ts";
import { syntheticReport } from "./synthetic-report.ts";

const BATCH = 2_500;
const ROUNDS = 200;

const echo = new Worker(
  `const { parentPort } = require("node:worker_threads");
   parentPort.on("message", ({ batch }) => {
     const buffers = [batch.numbers.buffer, batch.labels.buffer, batch.idEnds.buffer, batch.ids.buffer];
     parentPort.postMessage(buffers, buffers);
   });`,
  { eval: true },
);
const columns = new RequestColumns(8_000);
echo.on("message", (buffers: ArrayBuffer[]) => columns.recycle(buffers));
const ns = (from: bigint) => Number(process.hrtime.bigint() - from);

/** ns per request: making the id and the report alone, appending them, handing the batch over. */
async function measure(makeId: () => string): Promise<[number, number, number]> {
  let made = 0;
  let appended = 0;
  let handed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) if (syntheticReport(makeId()).bytes < 0) throw new Error("unreachable");
    const making = ns(started);
    started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) columns.append(syntheticReport(makeId()), 1);
    const appending = ns(started) - making;
    started = process.hrtime.bigint();
    columns.mapPaths(() => (path) => path);
    const batch = columns.take();
    echo.postMessage({ batch }, transferablesOf(batch));
    const handing = ns(started);
    // The first rounds warm up; a turn of the loop lets the buffers come back.
    if (round >= ROUNDS / 4) [made, appended, handed] = [made + making, appended + appending, handed + handing];
    await new Promise((resolve) => setImmediate(resolve));
  }
  const requests = (ROUNDS - ROUNDS / 4) * BATCH;
  return [made / requests, appended / requests, handed / requests];
}

for (let turn = 0; turn < 3; turn++)
  for (const [name, makeId] of [
    ["crypto.randomUUID", randomUUID],
    ["randomRequestId", randomRequestId],
  ] as const) {
    const [made, appended, handed] = await measure(makeId);
    console.log(
      `${name.padEnd(18)} id + report ${made.toFixed(0)} ns, append ${appended.toFixed(0)} ns, hand-over ${handed.toFixed(0)} ns a request`,
    );
  }
await echo.terminate();
