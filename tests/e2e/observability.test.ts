import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { expectReady, startPlatform, type TestPlatform } from "./support/platform.ts";

const HOST = "obs.localhost";

/** Nearest-rank percentile of what the client measured. */
function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Issue 13: request logs, function logs, errors, metrics and usage of a deployed fixture, through
// the edge, the API and the CLI.
describe("observability of a deployed site", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  let deploymentId: string;
  /** Every request this file sends to the deployment: the metrics must count exactly these. */
  let sent = 0;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    sent++;
    const started = performance.now();
    const response = await edgeRequest(platform.edgePort, HOST, path, { headers });
    return { ...response, clientMs: performance.now() - started };
  };

  beforeAll(async () => {
    platform = await startPlatform();
    repo = await createFixtureRepo("next-app");
    expect((await platform.cli(["projects", "create", "obs", "--repo", repo.bare, "--json"])).code).toBe(0);
    const deployed = await platform.cli(["deploy", "--project", "obs", "--json"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const deployment = deployed.json();
    await expectReady(platform, deployment);
    deploymentId = deployment.id;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it("shows a request in the live tail within a second, with its request id", async () => {
    const tail = await fetch(`${platform.apiUrl}/api/v1/projects/obs/logs?follow=1&kind=request`, {
      headers: { authorization: `Bearer ${platform.token}`, accept: "text/event-stream" },
    });
    expect(tail.status).toBe(200);
    const reader = (tail.body as ReadableStream<Uint8Array>).getReader();
    const response = await get("/api/hello?tail=1", { "x-request-id": "tail-check-1" });
    const sentAt = performance.now();
    expect(response.headers["x-request-id"]).toBe("tail-check-1");
    let text = "";
    while (!text.includes('"requestId":"tail-check-1"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const seenAfterMs = performance.now() - sentAt;
    await reader.cancel();
    expect(text).toContain('"path":"/api/hello?tail=1"');
    expect(seenAfterMs).toBeLessThan(1000);
  });

  it("records a route's console output and its exception's stack, grouped by message", async () => {
    const responses = await Promise.all(
      [1, 2, 3].map((i) => get(`/api/boom?id=${i}`, { "x-request-id": `boom-${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    const lines = await until("the boom route's log lines", async () => {
      const list = await platform.cli(["logs", "--project", "obs", "--json", "--limit", "500"]);
      const entries = list.json() as Array<{ kind: string; requestId: string | null; text?: string }>;
      const ours = entries.filter((e) => e.kind === "log" && e.text?.includes("boom route called"));
      return ours.length === 3 ? ours : null;
    });
    expect(lines.map((l) => l.requestId).sort()).toEqual(["boom-1", "boom-2", "boom-3"]);

    const groups = await until("the boom error group", async () => {
      const { body } = await platform.api("GET", "/api/v1/projects/obs/errors?since=1h");
      const group = (body as Array<{ message: string; count: number; stack: string | null }>).find((g) =>
        g.message.includes("Boom from the fixture"),
      );
      return group && group.count === 3 ? body : null;
    });
    const boom = groups.find((g: { message: string }) => g.message.includes("Boom from the fixture"));
    expect(boom.stack).toContain("Boom from the fixture");
    expect(boom.stack).toMatch(/\n\s+at /);
    // The 500s are those exceptions, not a second group of their own.
    expect(groups.some((g: { message: string }) => g.message.startsWith("HTTP 500 GET /api/boom"))).toBe(false);

    const fiveHundreds = await platform.cli(["logs", "--project", "obs", "--status", "5xx", "--json"]);
    expect((fiveHundreds.json() as Array<{ requestId: string }>).map((e) => e.requestId).sort()).toEqual(
      expect.arrayContaining(["boom-1", "boom-2", "boom-3"]),
    );
  });

  it("counts every request exactly and reports latency percentiles within 10% of the client's", async () => {
    const client: number[] = [];
    // Known latencies, long enough that what the edge cannot see (the client's own work, a busy
    // event loop on a shared box) is noise: 60 % at 150 ms, 30 % at 300 ms, 10 % at 600 ms.
    const plan = [...Array(30).fill(150), ...Array(15).fill(300), ...Array(5).fill(600)];
    // One kept-alive connection, as a browser would: the client's view without a handshake each time.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (const ms of plan) {
      sent++;
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        http
          .get(
            { host: "127.0.0.1", port: platform.edgePort, path: `/api/wait?ms=${ms}`, headers: { host: HOST }, agent },
            (res) => {
              res.resume();
              res.on("end", () => resolve(res.statusCode ?? 0));
            },
          )
          .on("error", reject);
      });
      client.push(performance.now() - started);
      expect(status).toBe(200);
    }
    agent.destroy();
    const expected = sent;
    const view = await until("every request in the metrics", async () => {
      const result = await platform.cli([
        "metrics",
        "--project",
        "obs",
        "--since",
        "1h",
        "--deployment",
        deploymentId,
        "--json",
      ]);
      const body = result.json();
      return body.summary.requests >= expected ? body : null;
    });
    expect(view.summary.requests).toBe(expected);
    expect(view.summary.errors).toBe(3);

    // Percentiles of the /api/wait requests alone, from their request log durations.
    const entries = (
      await platform.api("GET", `/api/v1/projects/obs/logs?kind=request&limit=5000&deployment=${deploymentId}`)
    ).body as Array<{ path: string; durationMs: number }>;
    const waits = entries.filter((e) => e.path.startsWith("/api/wait"));
    expect(waits).toHaveLength(plan.length);
    for (const p of [50, 95, 99]) {
      const theirs = percentileOf(client, p);
      const ours = percentileOf(
        waits.map((e) => e.durationMs),
        p,
      );
      expect(Math.abs(ours - theirs) / theirs, `p${p}: edge ${ours} ms, client ${theirs} ms`).toBeLessThan(0.1);
    }
    // The stored histogram's p50 over the whole deployment is the 150 ms step's, within 10 %.
    const clientP50 = percentileOf(client, 50);
    expect(Math.abs(view.summary.p50 - clientP50) / clientP50).toBeLessThan(0.1);
  });

  it("reports usage with a projected AWS cost and serves Prometheus metrics behind the token", async () => {
    const usage = await platform.cli(["usage", "--project", "obs", "--json"]);
    expect(usage.code, usage.stderr).toBe(0);
    const body = usage.json();
    expect(body.usage.requests).toBe(sent);
    expect(body.usage.invocations).toBe(sent);
    expect(body.usage.storageBytes).toBeGreaterThan(0);
    expect(body.cost.lines.map((l: { service: string }) => l.service)).toEqual(
      expect.arrayContaining(["Lambda", "CloudFront", "S3"]),
    );
    expect(body.cost.windowUsd).toBeGreaterThan(0);

    expect((await fetch(`${platform.apiUrl}/metrics`)).status).toBe(401);
    const prom = await fetch(`${platform.apiUrl}/metrics`, { headers: { authorization: `Bearer ${platform.token}` } });
    expect(prom.status).toBe(200);
    const text = await prom.text();
    expect(text).toMatch(/slipway_edge_requests_total\{project="[^"]+",status="5xx",served_by="function"\} 3/);
    expect(text).toContain("slipway_function_request_duration_seconds_bucket");
  });
});
