import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createToolchain } from "@slipway/builder";
import { createSqliteChangeStamp, createSqliteStore, openSqlite } from "@slipway/local";
import { createChangeWatch, DEFAULT_MAX_WORKERS_PER_DEPLOYMENT } from "@slipway/runtime";
import {
  FIXTURE_DEPLOYMENT_ID,
  FIXTURE_PROJECT_ID,
  fixtureArtifact,
  request,
  startStack,
} from "@slipway/runtime/test-support";
import { idlePlatformRssMb } from "./idle-rss.ts";
import { median } from "./median.ts";
import { startNext } from "./serve/next-start.ts";
import { treeCpuMs, treeRssMb } from "./serve/proc.ts";
import { seedFixture, seedStore } from "./serve/seed-store.ts";
import { switchableStore } from "./serve/switchable-store.ts";
import { alternateWindows, loadSecondsFor } from "./windows.ts";

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/.bin/autocannon");
const CONNECTIONS = 10;
const SECONDS = 10;
/** Each side's SECONDS are run in turns of this many seconds. */
const SLICE = 5;
const SCALE = { projects: 1_000, deploymentsPerProject: 10 };
/** One project against 1,000 in alternating windows of one continuous load per route (bench/windows.ts). */
const SCALE_WINDOWS = { pairs: 10, windowMs: 1_200, settleMs: 200 } as const;
/** Cold starts timed on each side (the goal is on their median). */
const COLD_STARTS = 5;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
/**
 * Where the pinned Node.js the workers run on is installed, kept between runs (an install is a
 * registry download): the same binary `slipway up` gives a deployment, and `next start` runs on it too.
 */
const TOOLCHAIN_DIR = path.join(os.tmpdir(), "slipway-bench-toolchain");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Result = { rps: number; p99: number; errors: number };

/** Turns of equal length: mean req/s, worst p99, every error. */
function combine(turns: Result[]): Result {
  return {
    rps: Math.round(turns.reduce((sum, t) => sum + t.rps, 0) / Math.max(1, turns.length)),
    p99: Math.max(0, ...turns.map((t) => t.p99)),
    errors: turns.reduce((sum, t) => sum + t.errors, 0),
  };
}

/** autocannon in its own process, so the load generator does not share the edge's event loop. */
async function load(url: string, host?: string, seconds = SECONDS): Promise<Result> {
  const args = ["-c", String(CONNECTIONS), "-d", String(seconds), "-j"];
  if (host) args.push("-H", `host=${host}`);
  const { stdout } = await run(AUTOCANNON, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p99: number };
    errors: number;
    non2xx: number;
  };
  return { rps: Math.round(json.requests.average), p99: json.latency.p99, errors: json.errors + json.non2xx };
}

interface Route {
  readonly name: string;
  readonly path: string;
  /** The goal, as a multiple of next start's req/s (from issue 10). */
  readonly target: number;
  readonly note?: string;
}

/**
 * The local runtime against `next start` of the same fixture, in one run: every route kind, cold
 * start after scale to zero against next start's spawn-to-first-response, the same loads again
 * with 1,000 projects and 10,000 ready deployments in the store, idle RSS. Returns markdown.
 */
export async function benchServe(): Promise<string> {
  const { artifactDir, appDir } = await fixtureArtifact();
  progress("artifact ready");
  const storeDir = await mkdtemp(path.join(os.tmpdir(), "slipway-bench-store-"));
  // SQLite through the Store port, as `slipway up` routes. The edge reads one of two stores: the
  // fixture alone, or the fixture beside a thousand seeded projects; the bench flips between them.
  const stamped = (file: string) => {
    const db = openSqlite(path.join(storeDir, file));
    return { store: createSqliteStore(db), changeStamp: createSqliteChangeStamp(db), db };
  };
  const [alone, crowded] = [stamped("alone.db"), stamped("crowded.db")];
  const routing = switchableStore(alone);
  // Longer than one turn of the other sides (a slice plus autocannon's start), so the edge's
  // workers are still warm when its turn comes back; short enough to time a scale to zero after.
  const idleTimeoutMs = 8_000;
  // Routing as `slipway up` routes: Host → deployment remembered until the SQLite file changes.
  const changes = createChangeWatch(routing.changeStamp);
  // Workers on the Node.js the fixture's manifest names (as the platform wires the function host),
  // not on the Node running this bench; `next start` on the same binary, so both sides share it.
  const toolchain = createToolchain(TOOLCHAIN_DIR);
  const node = await toolchain.node("22");
  progress(`workers and next start on Node.js ${node.version}`);
  const nodeFor = async (version: Parameters<typeof toolchain.node>[0]) => (await toolchain.node(version)).bin;
  let answered = 0;
  const stack = await startStack(
    artifactDir,
    { idleTimeoutMs, nodeFor },
    { routing: { changes }, onRequest: () => answered++ },
    routing.store,
  );
  await seedFixture(crowded.store, FIXTURE_PROJECT_ID, FIXTURE_DEPLOYMENT_ID);
  const seedSeconds = await seedStore(crowded.store, SCALE.projects - 1, SCALE.deploymentsPerProject);
  progress(`seeded ${SCALE.projects - 1} projects in ${seedSeconds.toFixed(1)} s`);
  const maxWorkers = DEFAULT_MAX_WORKERS_PER_DEPLOYMENT;
  const nextPort = 3_900 + Math.floor(Math.random() * 90);
  progress(`edge on ${stack.port}, activation ${JSON.stringify(stack.activation)}`);
  let next = await startNext(appDir, nextPort, "/", node.bin);
  progress(`next start on ${nextPort}`);
  try {
    const html = (await request(stack.port, "/")).body.toString("utf8");
    const chunk = /src="(\/_next\/static\/[^"]+\.js)/.exec(html)?.[1] ?? "/hello.txt";
    const routes: Route[] = [
      { name: "Prerendered `/`", path: "/", target: 5, note: "edge cache" },
      { name: "ISR `/isr`", path: "/isr", target: 5, note: "edge cache" },
      { name: "SSR `/ssr`", path: "/ssr", target: 1.1 },
      { name: "Route handler `/api/hello`", path: "/api/hello", target: 1.1 },
      { name: "Static `_next/static` chunk", path: chunk, target: 4 },
    ];
    const edgeUrl = (p: string) => `http://127.0.0.1:${stack.port}${p}`;
    const nextUrl = (p: string) => `http://127.0.0.1:${nextPort}${p}`;
    const results = new Map<string, { edge: Result; next: Result; functionRequests: number }>();
    /** Per route: the median of the pairs' 1,000-project / one-project rates, and each side's median req/s. */
    const scaled = new Map<string, { ratio: number; alone: number; crowded: number }>();
    let workerRss = 0;
    for (const route of routes) {
      await load(edgeUrl(route.path), "fixture.localhost", 2); // warm up
      await load(nextUrl(route.path), undefined, 2);
      // Both sides in turns of SLICE seconds: other load on the box drifts over a run, and turns
      // spread that drift over both sides instead of favouring whichever ran last.
      const edge: Result[] = [];
      const nextSide: Result[] = [];
      let functionRequests = 0;
      for (let turn = 0; turn < SECONDS / SLICE; turn++) {
        routing.use(alone);
        stack.requests.length = 0;
        edge.push(await load(edgeUrl(route.path), "fixture.localhost", SLICE));
        // Requests the edge handed to a worker (an edge cache would answer `/` without one).
        functionRequests += stack.requests.filter((r) => r.servedBy === "function").length;
        stack.requests.length = 0;
        // A warm worker right after function load, before idle reaping can stop it.
        for (const w of stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID))
          workerRss = Math.max(workerRss, treeRssMb(w.pid));
        nextSide.push(await load(nextUrl(route.path), undefined, SLICE));
      }
      const result = { edge: combine(edge), next: combine(nextSide), functionRequests };
      results.set(route.path, result);
      // The edge reading one store, then the other, under one load: a few percent is the goal.
      const scaleLoad = load(edgeUrl(route.path), "fixture.localhost", loadSecondsFor(SCALE_WINDOWS));
      await sleep(1_000); // connections open, the load steady
      const windows = await alternateWindows({
        ...SCALE_WINDOWS,
        sides: ["crowded", "alone"],
        switchTo: (side) => {
          routing.use(side === "crowded" ? crowded : alone);
          stack.requests.length = 0;
        },
        answered: () => answered,
      });
      await scaleLoad;
      routing.use(alone);
      stack.requests.length = 0;
      scaled.set(route.path, {
        ratio: median(windows.ratios),
        alone: Math.round(median(windows.second.map((w) => w.rps))),
        crowded: Math.round(median(windows.first.map((w) => w.rps))),
      });
      progress(
        `${route.name}: edge ${result.edge.rps} req/s (${functionRequests} to a worker), next ${result.next.rps}; 1,000 projects / one, pairs ${windows.ratios.map((r) => r.toFixed(2)).join(" ")}`,
      );
    }
    const platformRss = Math.round(process.memoryUsage().rss / 1024 / 1024);

    // Scale to zero, then time the first request through the edge; COLD_STARTS times (one start
    // swings by ±30 ms on a shared box), the later ones after stopping the workers as idling does.
    for (let i = 0; i < 300 && stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).length > 0; i++) await sleep(100);
    const scaledToZero = stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).length === 0;
    const coldMsList: number[] = [];
    let coldStatus = 0;
    let coldCpuMs = -1;
    for (let i = 0; i < COLD_STARTS; i++) {
      if (i > 0) await stack.functionHost.stop(FIXTURE_DEPLOYMENT_ID);
      const coldStarted = performance.now();
      const cold = await request(stack.port, "/ssr");
      coldMsList.push(Math.round(performance.now() - coldStarted));
      coldStatus = Math.max(coldStatus, cold.status);
      if (i === 0) {
        const coldWorker = stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID)[0];
        coldCpuMs = coldWorker ? treeCpuMs(coldWorker.pid) : -1;
      }
    }
    const coldMs = median(coldMsList);
    const coldEvent = stack.events.filter((e) => e.type === "cold-start").at(-1);
    const warmStarted = performance.now();
    await request(stack.port, "/ssr");
    const warmMs = (performance.now() - warmStarted).toFixed(1);
    // next start's own cold start: a fresh process until its first `/ssr`, as many times.
    const nextColdMs: number[] = [];
    let nextColdCpuMs = -1;
    for (let i = 0; i < COLD_STARTS; i++) {
      await next.stop();
      next = await startNext(appDir, nextPort, "/ssr", node.bin);
      nextColdMs.push(next.firstResponseMs);
      if (i === 0) nextColdCpuMs = next.firstResponseCpuMs;
    }
    const idleRss = await idlePlatformRssMb();

    const ratio = (p: string) => {
      const r = results.get(p);
      return r ? r.edge.rps / Math.max(1, r.next.rps) : 0;
    };
    const scaleRatio = (p: string) => scaled.get(p)?.ratio ?? 0;
    const worstScale = Math.min(...routes.map((r) => scaleRatio(r.path)));
    const goal = (name: string, value: string, target: string, ok: boolean) =>
      `| ${name} | ${value} | ${target} | ${ok ? "pass" : "FAIL"} |`;
    const phases =
      coldEvent?.type === "cold-start"
        ? `${coldEvent.ms} ms = sandbox ${coldEvent.sandboxMs}${coldEvent.spareSandbox ? " (a spare, its cgroup joined ahead)" : ""} + node boot ${coldEvent.bootMs} + bundle import ${coldEvent.importMs} (+ the rest: listen, host side); compile cache: ${coldEvent.compileCache}; code cache: ${coldEvent.codeCache ? `${coldEvent.codeCache.warm} modules warm, ${coldEvent.codeCache.cold} cold` : "off"}`
        : "n/a";
    return [
      `Edge vs \`next start\`, same fixture, same run: ${CONNECTIONS} connections, ${SECONDS} s each in turns of ${SLICE} s (edge, next start; autocannon in its own process), ${os.availableParallelism()} CPUs, up to ${maxWorkers} worker(s) per deployment (one per core), bubblewrap sandbox on; the edge routes through a SQLite store (Store port). Load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")}.`,
      "",
      "| route | edge req/s | edge p99 ms | next start req/s | next start p99 ms | edge / next | errors (edge/next) | requests to a worker (edge) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...routes.map((route) => {
        const r = results.get(route.path);
        if (!r) return `| ${route.name} | n/a |`;
        return `| ${route.name} | ${r.edge.rps} | ${r.edge.p99} | ${r.next.rps} | ${r.next.p99} | ${ratio(route.path).toFixed(2)}× | ${r.edge.errors}/${r.next.errors} | ${r.functionRequests} |`;
      }),
      "",
      `Scale: ${SCALE.projects} projects and ${SCALE.projects * SCALE.deploymentsPerProject} ready deployments (${SCALE.projects * (SCALE.deploymentsPerProject + 1)} aliases) in a second SQLite store, seeded through the Store port in ${seedSeconds.toFixed(1)} s. Per route, one load runs while the edge reads one store, then the other, in ${SCALE_WINDOWS.pairs} pairs of ${SCALE_WINDOWS.windowMs / 1000} s windows (the side that goes first alternates; each window counts the requests the edge answered after its first ${SCALE_WINDOWS.settleMs} ms); the ratio is the median of the pairs'.`,
      "",
      "| route | one project req/s | 1,000 projects req/s | ratio (median of pairs) |",
      "| --- | ---: | ---: | ---: |",
      ...routes.map(
        (route) =>
          `| ${route.name} | ${scaled.get(route.path)?.alone ?? 0} | ${scaled.get(route.path)?.crowded ?? 0} | ${scaleRatio(route.path).toFixed(2)}× |`,
      ),
      "",
      "| measure | value |",
      "| --- | ---: |",
      `| cold start after scale to zero${scaledToZero ? "" : " (DID NOT scale to zero)"}: first \`/ssr\` through the edge (worst status ${coldStatus}), median of ${coldMsList.join(", ")} | ${coldMs} ms |`,
      `| \`next start\`: spawn to first \`/ssr\` response, same run, median of ${nextColdMs.join(", ")} (CPU time of the first) | ${median(nextColdMs)} ms (${nextColdCpuMs} ms CPU) |`,
      `| of which worker start | ${phases} |`,
      `| CPU time the worker used up to that first response (all threads; barely moved by other load) | ${coldCpuMs} ms |`,
      `| next \`/ssr\` on the warm worker | ${warmMs} ms |`,
      `| worker requests during the \`/\` load (edge cache hits need none) | ${results.get("/")?.functionRequests ?? "n/a"} |`,
      `| RSS of the platform process (edge + function host; bench process) | ${platformRss} MB |`,
      `| RSS of the largest warm server worker (right after a load run; bwrap + node) | ${workerRss} MB |`,
      `| RSS of an idle \`slipway up\` (its own process) | ${idleRss} MB |`,
      "",
      "| goal | measured | target | result |",
      "| --- | ---: | --- | --- |",
      ...routes.map((route) =>
        goal(
          `${route.name} req/s vs next start${route.note ? ` (${route.note})` : ""}`,
          `${ratio(route.path).toFixed(2)}×`,
          `≥ ${route.target}×`,
          ratio(route.path) >= route.target,
        ),
      ),
      goal(
        "requests to a worker during the prerendered load (edge cache)",
        String(results.get("/")?.functionRequests ?? -1),
        "0",
        results.get("/")?.functionRequests === 0,
      ),
      goal(
        `cold start after scale to zero (median of ${COLD_STARTS})`,
        `${coldMs} ms`,
        "≤ 250 ms",
        coldMs <= 250 && coldStatus === 200,
      ),
      goal("worst route at scale vs one project", `${worstScale.toFixed(2)}×`, "≥ 0.95×", worstScale >= 0.95),
      goal("idle platform RSS", `${idleRss} MB`, "≤ 200 MB", idleRss > 0 && idleRss <= 200),
    ].join("\n");
  } finally {
    await next.stop();
    await stack.close(); // closes the store in use
    for (const side of [alone, crowded]) side.db.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchServe());
}
