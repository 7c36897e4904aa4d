import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fixtureArtifact, request, startStack } from "@slipway/runtime/test-support";
import { idlePlatformRssMb } from "./idle-rss.ts";

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/.bin/autocannon");
const CONNECTIONS = 10;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const SECONDS = 10;

type Result = { rps: number; p99: number; errors: number };

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

/** Resident memory of a process and its descendants (a sandboxed worker is bwrap → node). */
function treeRssMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may itself contain ") ": the fields start after the last one.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  let kb = 0;
  const visit = (p: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return Math.round(kb / 1024);
}

async function startNext(appDir: string, port: number): Promise<() => void> {
  const child = spawn(path.join(appDir, "node_modules/.bin/next"), ["start", "-p", String(port)], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
  });
  for (let i = 0; i < 100; i++) {
    const ok = await request(port, "/", { host: "localhost" }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return () => child.kill("SIGTERM");
}

/** Benchmarks the local runtime against `next start` of the same fixture; returns a markdown table. */
export async function benchServe(): Promise<string> {
  const { artifactDir, appDir } = await fixtureArtifact();
  progress("artifact ready");
  const idleTimeoutMs = 3_000;
  // The edge (this process) needs a core too: more workers than the remaining cores only adds
  // context switches for CPU-bound SSR.
  const maxWorkers = Math.max(1, os.availableParallelism() - 1);
  const stack = await startStack(artifactDir, { idleTimeoutMs, maxWorkersPerDeployment: maxWorkers });
  const nextPort = 3_900 + Math.floor(Math.random() * 90);
  progress(`edge on ${stack.port}, activation ${JSON.stringify(stack.activation)}`);
  const stopNext = await startNext(appDir, nextPort);
  progress(`next start on ${nextPort}`);
  try {
    const html = (await request(stack.port, "/")).body.toString("utf8");
    const chunk = /src="(\/_next\/static\/[^"]+\.js)/.exec(html)?.[1] ?? "/hello.txt";
    const targets = [
      { name: "Prerendered `/`", path: "/" },
      { name: "ISR `/isr`", path: "/isr" },
      { name: "SSR `/ssr`", path: "/ssr" },
      { name: "Route handler `/api/hello`", path: "/api/hello" },
      { name: "Static `_next/static` chunk", path: chunk },
    ];
    const rows: string[] = [];
    const results: Array<{ path: string; edge: { rps: number }; next: { rps: number } }> = [];
    let workerRss = 0;
    // Requests the edge handed to a worker; the edge cache must keep this at 0 for cached pages.
    const workerRequests = () => stack.requests.filter((r) => r.servedBy === "function").length;
    const workerRequestsDuring: Record<string, number> = {};
    for (const t of targets) {
      await load(`http://127.0.0.1:${stack.port}${t.path}`, "fixture.localhost", 2); // warm up
      const workersBefore = workerRequests();
      const edge = await load(`http://127.0.0.1:${stack.port}${t.path}`, "fixture.localhost");
      workerRequestsDuring[t.path] = workerRequests() - workersBefore;
      // Measure a warm worker right after function load, before idle reaping can stop it.
      const warmWorker = stack.functionHost.workers("dpl_fixture1").find((w) => w.kind === "server");
      if (warmWorker) workerRss = Math.max(workerRss, treeRssMb(warmWorker.pid));
      await load(`http://127.0.0.1:${nextPort}${t.path}`, undefined, 2);
      const next = await load(`http://127.0.0.1:${nextPort}${t.path}`);
      progress(`${t.name}: edge ${edge.rps} req/s, next ${next.rps} req/s`);
      results.push({ path: t.path, edge, next });
      const ratio = (edge.rps / Math.max(1, next.rps)).toFixed(2);
      rows.push(
        `| ${t.name} | ${edge.rps} | ${edge.p99} | ${next.rps} | ${next.p99} | ${ratio}× | ${edge.errors}/${next.errors} |`,
      );
    }
    const platformRss = Math.round(process.memoryUsage().rss / 1024 / 1024);
    // Scale to zero, then time the first request through the edge.
    for (let i = 0; i < 150 && stack.functionHost.workers("dpl_fixture1").length > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const scaledToZero = stack.functionHost.workers("dpl_fixture1").length === 0;
    const coldStarted = performance.now();
    const cold = await request(stack.port, "/ssr");
    const coldMs = Math.round(performance.now() - coldStarted);
    const coldEvent = stack.events.filter((e) => e.type === "cold-start").at(-1);
    const warmStarted = performance.now();
    await request(stack.port, "/ssr");
    const warmMs = (performance.now() - warmStarted).toFixed(1);
    const idleRss = await idlePlatformRssMb();
    const ratios = Object.fromEntries(results.map((r) => [r.path, r.edge.rps / Math.max(1, r.next.rps)]));
    const goal = (name: string, value: string, target: string, ok: boolean) =>
      `| ${name} | ${value} | ${target} | ${ok ? "pass" : "FAIL"} |`;
    return [
      `Edge vs \`next start\`, same fixture, same run: ${CONNECTIONS} connections, ${SECONDS} s each (autocannon in its own process), ${os.availableParallelism()} CPUs, max ${maxWorkers} worker(s) per deployment, bubblewrap sandbox on.`,
      "",
      "| route | edge req/s | edge p99 ms | next start req/s | next start p99 ms | edge / next | errors (edge/next) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      "| measure | value |",
      "| --- | ---: |",
      `| cold start after scale to zero${scaledToZero ? "" : " (DID NOT scale to zero)"}: first \`/ssr\` through the edge (status ${cold.status}) | ${coldMs} ms |`,
      `| of which worker start (spawn + import + listen) / bundle import | ${coldEvent?.type === "cold-start" ? `${coldEvent.ms} ms / ${coldEvent.importMs} ms` : "n/a"} |`,
      `| next \`/ssr\` on the warm worker | ${warmMs} ms |`,
      `| worker requests during the \`/\` load (edge cache hits need none) | ${workerRequestsDuring["/"] ?? "n/a"} |`,
      `| RSS of the platform process (edge + function host; bench process) | ${platformRss} MB |`,
      `| RSS of one warm server worker (right after a load run; bwrap + node) | ${workerRss} MB |`,
      `| RSS of an idle \`slipway up\` (its own process) | ${idleRss} MB |`,
      "",
      "| goal | measured | target | result |",
      "| --- | ---: | --- | --- |",
      goal("SSR req/s vs next start", `${(ratios["/ssr"] ?? 0).toFixed(2)}×`, "≥ 1.0×", (ratios["/ssr"] ?? 0) >= 1),
      goal("static req/s vs next start", `${(ratios[chunk] ?? 0).toFixed(2)}×`, "≥ 3×", (ratios[chunk] ?? 0) >= 3),
      goal("cold start after scale to zero", `${coldMs} ms`, "≤ 300 ms", coldMs <= 300 && cold.status === 200),
      goal("idle platform RSS", `${idleRss} MB`, "≤ 200 MB", idleRss > 0 && idleRss <= 200),
    ].join("\n");
  } finally {
    stopNext();
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchServe());
}
