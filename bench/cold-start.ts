// `node --import tsx bench/cold-start.ts [runs]`: the serve benchmark's cold start alone, `runs`
// times over (one sample per `npm run bench -- serve` is noisy): the fixture through the edge with
// sandboxed workers on the toolchain's Node.js 22, scaled to zero before each first `/ssr`.
// Prints each start's phases and the median.
import os from "node:os";
import path from "node:path";
import { createToolchain } from "@slipway/builder";
import { FIXTURE_DEPLOYMENT_ID, fixtureArtifact, request, startStack } from "@slipway/runtime/test-support";
import { median } from "./median.ts";

const RUNS = Number(process.argv[2] ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { artifactDir } = await fixtureArtifact();
const toolchain = createToolchain(path.join(os.tmpdir(), "slipway-bench-toolchain"));
const nodeFor = async (version: Parameters<typeof toolchain.node>[0]) => (await toolchain.node(version)).bin;
const stack = await startStack(artifactDir, { idleTimeoutMs: 300, nodeFor });
const workers = () => stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).length;
const times: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    while (workers() > 0) await sleep(50);
    await sleep(200);
    const started = performance.now();
    const response = await request(stack.port, "/ssr");
    const ms = Math.round(performance.now() - started);
    const event = stack.events.filter((e) => e.type === "cold-start").at(-1);
    const phases =
      event?.type === "cold-start"
        ? `start ${event.ms} = sandbox ${event.sandboxMs}${event.spareSandbox ? " (spare)" : ""} + boot ${event.bootMs} + import ${event.importMs}; code cache ${event.codeCache ? `${event.codeCache.warm} warm, ${event.codeCache.cold} cold` : "off"}`
        : "";
    console.log(`run ${run + 1}: ${response.status} in ${ms} ms (${phases})`);
    times.push(ms);
  }
} finally {
  await stack.close();
}
console.log(`median ${median(times)} ms over ${RUNS} (min ${Math.min(...times)}, max ${Math.max(...times)})`);
