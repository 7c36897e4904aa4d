import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createFixtureRepo, type FixtureRepo } from "../tests/e2e/support/git.ts";
import { startPlatform, type TestPlatform, waitForDeployment } from "../tests/e2e/support/platform.ts";
import { ms, percentile } from "./lifecycle/percentile.ts";
import { timeRollback } from "./lifecycle/rollback-latency.ts";
import { startSteadyLoad } from "./lifecycle/steady-load.ts";

const PROJECT = "bench";
const HOST = `${PROJECT}.localhost`;
const ROLLBACKS = 20;
const MIN_LOAD_REQUESTS = 10_000;
/** Requests per second of the steady load: enough for 10,000 during one build, light enough to let it build. */
const LOAD_RATE = 250;
const GOAL_ROLLBACK_P50_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");

/** Commits a page that says `marker` and deploys it to production; resolves when it is ready. */
async function deployMarker(platform: TestPlatform, repo: FixtureRepo, page: string, marker: string) {
  const sha = await repo.commit("main", { "app/page.js": page.replace("Static home", marker) });
  const { status, body } = await platform.api("POST", `/api/v1/projects/${PROJECT}/deployments`, {
    ref: sha,
    prod: true,
  });
  if (status !== 202) throw new Error(`deploy answered ${status}: ${JSON.stringify(body)}`);
  const done = await waitForDeployment(platform, body.id, 600_000);
  if (done.status !== "ready") throw new Error(`deployment ${marker} ended ${done.status}: ${done.statusReason}`);
  return { id: body.id as string, marker };
}

async function productionShows(platform: TestPlatform, marker: string): Promise<boolean> {
  const { edgeRequest } = await import("../tests/e2e/support/edge.ts");
  return (await edgeRequest(platform.edgePort, HOST, "/")).text.includes(marker);
}

/**
 * Lifecycle numbers against a real `slipway up` (the e2e helpers' child process): how fast a
 * rollback reaches every new request, and whether a deploy plus a rollback under steady load
 * cost any request.
 */
export async function benchLifecycle(): Promise<string> {
  const platform = await startPlatform();
  const repo = await createFixtureRepo("next-app");
  try {
    const created = await platform.cli(["projects", "create", PROJECT, "--repo", repo.bare, "--json"]);
    if (created.code !== 0) throw new Error(created.stderr);
    const page = await readFile(join(repo.work, "app/page.js"), "utf8");
    const a = await deployMarker(platform, repo, page, "Bench A");
    const b = await deployMarker(platform, repo, page, "Bench B");

    // Rollback latency: production back and forth between A and B, ending on B.
    const samples = [];
    for (let i = 0; i < ROLLBACKS; i++) samples.push(await timeRollback(platform, PROJECT, HOST, i % 2 === 0 ? a : b));
    const switchMs = samples.map((s) => s.switchMs);
    const apiMs = samples.map((s) => s.apiMs);
    const p50 = percentile(switchMs, 50);

    // A deploy and a rollback while production is under steady load.
    const load = startSteadyLoad(platform.edgePort, HOST, LOAD_RATE);
    await sleep(2_000);
    const c = await deployMarker(platform, repo, page, "Bench C");
    await sleep(1_000);
    const movedToC = await productionShows(platform, c.marker);
    const rolledBack = await platform.api("POST", `/api/v1/projects/${PROJECT}/rollback`, {});
    await sleep(1_000);
    const backOnB = rolledBack.status === 200 && (await productionShows(platform, b.marker));
    while (load.count() < MIN_LOAD_REQUESTS) await sleep(250);
    await sleep(1_000);
    const result = await load.stop();
    const failed = result.non2xx + result.errors;
    const loadOk = failed === 0 && result.requests.total >= MIN_LOAD_REQUESTS && movedToC && backOnB;
    const codes = Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}: ${count}`)
      .join(", ");

    return [
      `Against a real \`slipway up\` (child process, SQLite, sandboxed workers), project with the \`next-app\` fixture; production host \`${HOST}\` through the edge.`,
      "",
      `Rollback latency: ${ROLLBACKS} rollbacks between two ready deployments. Timed from sending \`POST /api/v1/projects/${PROJECT}/rollback\` until every request sent from then on (4 keep-alive clients back to back on \`/\`) is answered by the target; any old answer sent after the API replied fails the run.`,
      "",
      "| measure | p50 | p95 | max | goal | result |",
      "| --- | ---: | ---: | ---: | --- | --- |",
      `| rollback → every new request on the target | ${ms(p50)} | ${ms(percentile(switchMs, 95))} | ${ms(Math.max(...switchMs))} | p50 ≤ ${GOAL_ROLLBACK_P50_MS} ms | ${verdict(p50 <= GOAL_ROLLBACK_P50_MS)} |`,
      `| rollback API round trip | ${ms(percentile(apiMs, 50))} | ${ms(percentile(apiMs, 95))} | ${ms(Math.max(...apiMs))} | — | — |`,
      "",
      `Deploy + rollback under steady load: autocannon (in process, 10 connections, ${LOAD_RATE} req/s, \`/\`, \`/ssr\`, \`/api/hello\` in turn) while a new production deployment builds, activates and takes over, then a rollback moves production back.`,
      "",
      "| requests | non-2xx | errors (incl. timeouts) | latency p50 / p99 | status codes | production moved to the new deploy, then back | goal | result |",
      "| ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
      `| ${result.requests.total} | ${result.non2xx} | ${result.errors} | ${result.latency.p50} / ${result.latency.p99} ms | ${codes} | ${movedToC && backOnB ? "yes" : `no (new deploy seen: ${movedToC}, back: ${backOnB})`} | ≥ ${MIN_LOAD_REQUESTS} requests, 0 failed | ${verdict(loadOk)} |`,
    ].join("\n");
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- platform output ---\n${platform.output().slice(-3000)}`);
  } finally {
    await platform.stop();
    await rm(platform.dataDir, { recursive: true, force: true });
    await rm(dirname(repo.bare), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchLifecycle());
}
