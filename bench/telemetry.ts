import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_RETENTION } from "@slipway/core";
import { createThreadedTelemetryStore, type RunningTelemetry, startTelemetry } from "@slipway/platform";
import type { RequestReport } from "@slipway/runtime";
import { fixtureArtifact, request, startStack } from "@slipway/runtime/test-support";
import { median, medianInterval } from "./median.ts";
import { cpuIdle, splitPerRequest, type ThreadSplit, threadCpu } from "./thread-cpu.ts";
import { alternateWindows, loadSecondsFor, type Window } from "./windows.ts";

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/.bin/autocannon");
const CONNECTIONS = 10;
/**
 * On and off alternate in windows of one continuous load (bench/windows.ts). A window counts after
 * 400 ms: a batch leaves within 250 ms, so by then the telemetry thread has written what the window
 * before handed it, and neither side pays for the other. 60 pairs: on a noisy shared box the pairs
 * spread 0.7–1.4, and with 30 the median's 95 % interval was ±0.03, as wide as the margin the goal
 * leaves (`BENCH_TELEMETRY_PAIRS` sets another count).
 */
const WINDOWS = { pairs: Number(process.env.BENCH_TELEMETRY_PAIRS ?? 60), windowMs: 2_000, settleMs: 400 } as const;
/** The issue's goal: logging on keeps at least this share of the throughput with it off. */
const GOAL = 0.95;
/** One window's measure: CPU µs per request by thread, and the edge CPU's idle µs per request. */
type Measure = ThreadSplit & { readonly edgeCpuIdle: number };
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * With two CPUs or more, the edge's process (its request thread, the telemetry thread, V8's
 * helpers, the workers it starts) runs on CPU 0 and the load generator on CPU 1. Every µs the
 * telemetry side spends then comes out of the edge's own throughput, and none out of the client's:
 * sharing both cores, the telemetry thread's bursts slowed autocannon down (+0.55 µs per request,
 * `perf` split by window), and that was counted as the edge's loss.
 */
const PIN = os.availableParallelism() >= 2;
const EDGE_CPUS = "0";
const CLIENT_CPUS = "1";

/** Pins every thread this process has now (threads it starts later inherit their starter's CPUs). */
async function pinProcess(cpus: string): Promise<void> {
  await run("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(process.pid)]);
}

async function autocannon(url: string, seconds: number): Promise<{ errors: number }> {
  const args = ["-c", String(CONNECTIONS), "-d", String(seconds), "-j", "-H", "host=fixture.localhost", url];
  const [command, argv] = PIN ? ["taskset", ["--cpu-list", CLIENT_CPUS, AUTOCANNON, ...args]] : [AUTOCANNON, args];
  const { stdout } = await run(command, argv, { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as { errors: number; non2xx: number };
  return { errors: json.errors + json.non2xx };
}

/**
 * The edge with the platform's telemetry (recorder, telemetry.db, Prometheus feed) behind its
 * request report, against the same edge reporting to nobody, in alternating turns of one run.
 */
export async function benchTelemetry(onlyPath?: string): Promise<string> {
  const { artifactDir } = await fixtureArtifact();
  // Before the edge and its threads start, so they all start on the edge's CPU.
  if (PIN) await pinProcess(EDGE_CPUS);
  try {
    return await measure(artifactDir, onlyPath);
  } finally {
    // The sections after this one run in the same process, on every CPU.
    if (PIN) await pinProcess(`0-${os.availableParallelism() - 1}`);
  }
}

async function measure(artifactDir: string, onlyPath: string | undefined): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "slipway-bench-telemetry-"));
  let sink: ((report: RequestReport) => void) | null = null;
  let answered = 0;
  let telemetry: RunningTelemetry | null = null;
  const stack = await startStack(
    artifactDir,
    { onLog: ({ deploymentId, stream, line }) => telemetry?.onFunctionLine(deploymentId, stream, line) },
    {
      onRequest: (report) => {
        answered += 1;
        sink?.(report);
      },
    },
  );
  const threadsBefore = new Set(threadCpu().keys());
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
  // The thread the telemetry store started: its CPU is counted apart from V8's helpers.
  await telemetry.api.store.dropped("bench");
  const telemetryThreads = new Set([...threadCpu().keys()].filter((tid) => !threadsBefore.has(tid)));
  const rows: string[] = [];
  let dropped = 0;
  try {
    const html = (await request(stack.port, "/")).body.toString("utf8");
    const chunk = /src="(\/_next\/static\/[^"]+\.js)/.exec(html)?.[1] ?? "/hello.txt";
    const routes = [
      { name: "Route handler `/api/hello`", path: "/api/hello" },
      { name: "Prerendered `/` (edge cache)", path: "/" },
      { name: "Static chunk", path: chunk },
    ].filter((route) => onlyPath === undefined || route.path === onlyPath);
    for (const route of routes) {
      const url = `http://127.0.0.1:${stack.port}${route.path}`;
      // Warm-up of both sides: the worker, the edge cache, the telemetry thread's statements.
      for (const side of ["on", "off"]) {
        sink = side === "on" ? telemetry.onRequest : null;
        await autocannon(url, 2);
      }
      const load = autocannon(url, loadSecondsFor(WINDOWS));
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // connections open, the load steady
      const {
        ratios,
        first: on,
        second: off,
      } = await alternateWindows({
        ...WINDOWS,
        sides: ["on", "off"],
        switchTo: (side) => {
          sink = side === "on" ? (telemetry as RunningTelemetry).onRequest : null;
          // The stack keeps every report for tests: emptied, so neither side pays for a growing heap.
          stack.requests.length = 0;
        },
        answered: () => answered,
        // CPU µs per request of this process's threads (the edge, the telemetry thread, the rest),
        // and how long the edge's CPU sat idle (pinned: what the edge could have used and did not).
        begin: () => ({ threads: threadCpu(), idle: PIN ? cpuIdle(Number(EDGE_CPUS)) : 0 }),
        end: (before, requests) => ({
          ...splitPerRequest(before.threads, threadCpu(), requests, telemetryThreads),
          edgeCpuIdle: PIN ? (cpuIdle(Number(EDGE_CPUS)) - before.idle) / Math.max(1, requests) : 0,
        }),
      });
      sink = null;
      const { errors } = await load;
      stack.requests.length = 0;
      const ratio = median(ratios);
      const interval = medianInterval(ratios);
      const rpsOn = median(on.map((w) => w.rps));
      const rpsOff = median(off.map((w) => w.rps));
      const threads = (windows: Window<Measure>[]) => windows.map((w) => w.measure as Measure);
      const cpu = (windows: Window<Measure>[]) => median(threads(windows).map((t) => t.request + t.telemetry + t.rest));
      const split = (windows: Window<Measure>[]) =>
        (["request", "telemetry", "rest", "requestWait", "edgeCpuIdle"] as const)
          .map((k) => median(threads(windows).map((t) => t[k])).toFixed(2))
          .join(" / ");
      // Per pair, on minus off: the windows of a pair ran seconds apart, so the box's drift mostly
      // cancels, where the medians of each side's windows differed by 3 µs with both sides off.
      const paired = (["request", "telemetry", "rest", "requestWait"] as const)
        .map((k) => {
          const diffs = threads(on).map((t, i) => t[k] - (threads(off)[i] as Measure)[k]);
          const [low, high] = medianInterval(diffs);
          return `${k} ${median(diffs).toFixed(2)} (${low.toFixed(2)} to ${high.toFixed(2)})`;
        })
        .join(", ");
      const spread = [...ratios].sort((x, y) => x - y);
      progress(
        `${route.name}: ratios ${ratios.map((r) => r.toFixed(3)).join(" ")} → median ${ratio.toFixed(3)}; CPU/request on ${cpu(on).toFixed(1)} µs, off ${cpu(off).toFixed(1)} µs; by thread (request / telemetry / rest; then the request thread's wait for its CPU, and the edge CPU's idle time) on ${split(on)}, off ${split(off)} µs; on minus off per pair, median (95 % CI): ${paired} µs`,
      );
      rows.push(
        `| ${route.name} | ${Math.round(rpsOff)} | ${Math.round(rpsOn)} | ${(spread[0] as number).toFixed(2)}–${(spread[spread.length - 1] as number).toFixed(2)} | ${ratio.toFixed(3)} (${interval.map((r) => r.toFixed(3)).join("–")}) | ${cpu(off).toFixed(0)} / ${cpu(on).toFixed(0)} | ${errors} | ${
          ratio >= GOAL ? "pass" : "FAIL"
        } |`,
      );
    }
  } finally {
    // Stopping writes everything handed over: what was dropped (and counted) is final after it.
    await telemetry.stop();
    dropped = telemetry.api.droppedBeforeStorage();
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return [
    `Edge throughput (${CONNECTIONS} connections, autocannon in its own process${PIN ? `; the edge's process, telemetry thread included, on CPU ${EDGE_CPUS} and autocannon on CPU ${CLIENT_CPUS}` : ""}) with the platform's telemetry`,
    "(request columns → telemetry thread: recorder, `telemetry.db`, Prometheus sums) on and off: same",
    `deployment and route, one continuous load, after a warm-up of each side; on and off alternate in`,
    `${WINDOWS.windowMs / 1000} s windows, ${WINDOWS.pairs} pairs (the side that goes first alternates), each window counting`,
    `the requests the edge answered after its first ${WINDOWS.settleMs} ms; the ratio is the median of the pairs'`,
    `on / off, with its 95 % confidence interval (order statistics) in brackets. Goal: on ≥ ${GOAL * 100} % of off.`,
    "CPU is this process's (edge + telemetry thread, not autocannon) per request, median of the windows.",
    "",
    "| route | off req/s | on req/s | on / off, lowest–highest pair | median on / off (95 % CI) | CPU µs/request off / on | errors | goal |",
    "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    `Records dropped before storage (queue full, counted): ${dropped}.`,
  ].join("\n");
}

// `node --import tsx bench/telemetry.ts /` measures one route (its path) alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchTelemetry(process.argv[2]));
}
