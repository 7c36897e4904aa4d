import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_RETENTION } from "@slipway/core";
import { createThreadedTelemetryStore, type RunningTelemetry, startTelemetry } from "@slipway/platform";
import type { RequestReport } from "@slipway/runtime";
import { fixtureArtifact, request, startStack } from "@slipway/runtime/test-support";

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/.bin/autocannon");
const CONNECTIONS = 10;
/** On and off alternate in turns of SLICE seconds, TURNS each: drift on a shared box hits both. */
const SLICE = 5;
const TURNS = 3;
/** The goal: logging on keeps at least this share of the throughput with it off. */
const GOAL = 0.95;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function rps(url: string, seconds: number): Promise<{ rps: number; errors: number }> {
  const args = ["-c", String(CONNECTIONS), "-d", String(seconds), "-j", "-H", "host=fixture.localhost", url];
  const { stdout } = await run(AUTOCANNON, args, { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as { requests: { average: number }; errors: number; non2xx: number };
  return { rps: json.requests.average, errors: json.errors + json.non2xx };
}

/**
 * The edge with the platform's telemetry (recorder, telemetry.db, Prometheus feed) behind its
 * request report, against the same edge reporting to nobody, in alternating turns of one run.
 */
export async function benchTelemetry(): Promise<string> {
  const { artifactDir } = await fixtureArtifact();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "slipway-bench-telemetry-"));
  let sink: ((report: RequestReport) => void) | null = null;
  let telemetry: RunningTelemetry | null = null;
  const stack = await startStack(
    artifactDir,
    { onLog: ({ deploymentId, stream, line }) => telemetry?.onFunctionLine(deploymentId, stream, line) },
    { onRequest: (report) => sink?.(report) },
  );
  telemetry = startTelemetry(
    {
      deploymentsDir: path.join(stack.dataDir, "deployments"),
      clientIp: "masked",
      retention: DEFAULT_RETENTION,
      publicMetrics: false,
      memoryMb: 1024,
    },
    {
      store: stack.store,
      telemetryStore: createThreadedTelemetryStore(path.join(dataDir, "telemetry.db")),
      maskerOf: () => (text) => text,
      edgeCache: () => stack.edge.cacheStats(),
      log: progress,
    },
  );
  const rows: string[] = [];
  try {
    const html = (await request(stack.port, "/")).body.toString("utf8");
    const chunk = /src="(\/_next\/static\/[^"]+\.js)/.exec(html)?.[1] ?? "/hello.txt";
    const routes = [
      { name: "Route handler `/api/hello`", path: "/api/hello" },
      { name: "Prerendered `/` (edge cache)", path: "/" },
      { name: "Static chunk", path: chunk },
    ];
    for (const route of routes) {
      const url = `http://127.0.0.1:${stack.port}${route.path}`;
      await rps(url, 2); // warm up
      const on: number[] = [];
      const off: number[] = [];
      let errors = 0;
      for (let turn = 0; turn < TURNS; turn++) {
        // Which side goes first alternates too, so neither always follows the other's load.
        for (const side of turn % 2 === 0 ? ["on", "off"] : ["off", "on"]) {
          sink = side === "on" ? telemetry.onRequest : null;
          const result = await rps(url, SLICE);
          errors += result.errors;
          (side === "on" ? on : off).push(result.rps);
        }
      }
      sink = null;
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const ratio = mean(on) / mean(off);
      progress(
        `${route.name}: on ${Math.round(mean(on))} req/s, off ${Math.round(mean(off))} req/s (${ratio.toFixed(3)})`,
      );
      rows.push(
        `| ${route.name} | ${Math.round(mean(off))} | ${Math.round(mean(on))} | ${ratio.toFixed(3)} | ${errors} | ${
          ratio >= GOAL ? "pass" : "FAIL"
        } |`,
      );
    }
  } finally {
    await telemetry.stop();
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return [
    `Edge throughput (${CONNECTIONS} connections, autocannon in its own process) with the platform's telemetry`,
    "(batching recorder → `telemetry.db`, Prometheus counters) on and off, in alternating turns of",
    `${SLICE} s (${TURNS} each) in one run. Goal: on ≥ ${GOAL * 100} % of off.`,
    "",
    "| route | off req/s | on req/s | on / off | errors | goal |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
