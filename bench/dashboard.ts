import { join } from "node:path";
import type { Deployment } from "@slipway/core";
import { createSqliteStore, openSqlite } from "@slipway/local";
import { startPlatform } from "../tests/e2e/support/platform.ts";

/**
 * The dashboard's server render (the full HTML of a page, through Next in the platform's process
 * and the API's routes in-process) with 100 projects and 10,000 deployments in the store: the
 * sites list and one site's deployments page. Needs the dashboard built (`npm ci` does it).
 */
const PROJECTS = 100;
const DEPLOYMENTS = 10_000;
const WARMUP = 5;
const RUNS = 60;
const GOAL_P95_MS = 300;

export async function benchDashboard(): Promise<string> {
  const platform = await startPlatform();
  try {
    const names = Array.from({ length: PROJECTS }, (_, i) => `site-${String(i).padStart(3, "0")}`);
    for (const name of names) {
      const created = await platform.api("POST", "/api/v1/projects", {
        name,
        repo: "https://example.com/acme/app.git",
      });
      if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
    }
    await seedDeployments(platform.dataDir);
    const cookie = `slipway_token=${platform.token}`;
    const pages = [
      { name: `sites list (${PROJECTS} sites)`, path: "/" },
      { name: `a site's deployments (${DEPLOYMENTS / PROJECTS} of them, first page)`, path: "/sites/site-042" },
    ];
    const rows: string[] = [];
    for (const page of pages) {
      const times = await timeRequests(`${platform.apiUrl}${page.path}`, cookie);
      const p50 = percentile(times, 0.5);
      const p95 = percentile(times, 0.95);
      const verdict = p95 <= GOAL_P95_MS ? "pass" : "FAIL";
      rows.push(`| ${page.name} | ${p50.toFixed(0)} ms | ${p95.toFixed(0)} ms | ≤ ${GOAL_P95_MS} ms | ${verdict} |`);
    }
    return [
      `${PROJECTS} projects and ${DEPLOYMENTS.toLocaleString("en")} deployments in the SQLite store; ${RUNS} requests per page one after the other after ${WARMUP} to warm up, each the full HTML (server components, ${"`"}/api/v1${"`"} called in-process), signed in with a token cookie.`,
      "",
      "| page | p50 | p95 | goal (p95) | |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await platform.stop();
  }
}

/** Deployments straight into the store (a second connection, as the CLI's would be): no builds. */
async function seedDeployments(dataDir: string): Promise<void> {
  const db = openSqlite(join(dataDir, "slipway.db"));
  const store = createSqliteStore(db);
  try {
    const projects = await store.projects.list();
    const start = Date.parse("2026-01-01T00:00:00.000Z");
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const project = projects[i % projects.length];
      if (!project) throw new Error("no projects");
      const at = new Date(start + i * 60_000).toISOString();
      const deployment: Deployment = {
        id: `bench${String(i).padStart(5, "0")}`,
        projectId: project.id,
        environment: i % 3 === 0 ? "production" : "preview",
        status: i % 7 === 0 ? "error" : "ready",
        statusReason: null,
        commit: {
          sha: i.toString(16).padStart(40, "0"),
          branch: i % 3 === 0 ? "main" : `feature-${i % 5}`,
          message: `Change number ${i}`,
          author: "Bench",
        },
        trigger: "api",
        artifactKey: null,
        envSnapshot: null,
        createdAt: at,
        buildStartedAt: at,
        readyAt: at,
        finishedAt: at,
      };
      await store.deployments.create(deployment);
    }
  } finally {
    db.close();
  }
}

async function timeRequests(url: string, cookie: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
    const html = await response.text();
    if (response.status !== 200 || !html.includes("</html>")) throw new Error(`${url}: ${response.status}`);
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
