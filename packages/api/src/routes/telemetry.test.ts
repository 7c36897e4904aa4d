import { createMemoryTelemetryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { createApi } from "../app.ts";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };

async function setup() {
  const base = await setupApi();
  const telemetry = createMemoryTelemetryStore();
  const app = createApi({
    ...base.deps,
    logStreamMaxMs: 1500,
    observability: {
      store: telemetry,
      storageOf: async () => ({ bytes: 1024 ** 3, uploads: 10 }),
      droppedBeforeStorage: () => 7,
      prometheus: async () => ({ contentType: "text/plain; version=0.0.4", body: "slipway_up 1\n" }),
    },
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text };
  };
  const created = await call("POST", "/api/v1/projects", { name: "shop", repo: "https://github.com/acme/shop.git" });
  const projectId = created.body.id as string;
  const request = (requestId: string, status = 200, ageMs = 0) => ({
    kind: "request" as const,
    at: new Date(Date.now() - ageMs).toISOString(),
    projectId,
    deploymentId: "d1",
    requestId,
    method: "GET",
    path: "/",
    status,
    durationMs: 40,
    bytes: 100,
    coldStart: false,
    servedBy: "function",
    cache: null,
    clientIp: "",
  });
  return { app, call, telemetry, projectId, request };
}

describe("telemetry routes", () => {
  it("lists a project's logs filtered by status and window, and names a bad filter", async () => {
    const { call, telemetry, request } = await setup();
    await telemetry.write({
      entries: [request("old", 500, 2 * 3_600_000), request("ok"), request("boom", 502)],
      errors: [],
      metrics: [],
    });
    const recent5xx = await call("GET", "/api/v1/projects/shop/logs?status=5xx&since=1h");
    expect(recent5xx.status).toBe(200);
    expect(recent5xx.body.map((e: { requestId: string }) => e.requestId)).toEqual(["boom"]);
    const bad = await call("GET", "/api/v1/projects/shop/logs?status=teapot");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("teapot");
    expect((await call("GET", "/api/v1/projects/nope/logs")).status).toBe(404);
  });

  it("tails new entries over Server-Sent Events, resuming after Last-Event-ID", async () => {
    const { app, telemetry, request } = await setup();
    await telemetry.write({ entries: [request("before")], errors: [], metrics: [] });
    const res = await app.request("/api/v1/projects/shop/logs?follow=1", { headers });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await telemetry.write({ entries: [request("during")], errors: [], metrics: [] });
    let text = "";
    while (!text.includes('"requestId":"during"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(text).toContain('"requestId":"before"');
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const resumed = await app.request("/api/v1/projects/shop/logs?follow=1", {
      headers: { ...headers, "last-event-id": String(ids[0]) },
    });
    const rest = await resumed.text();
    expect(rest).not.toContain('"requestId":"before"');
    expect(rest).toContain('"requestId":"during"');
  });

  it("answers metric series with percentiles, and usage with its projected cost and drop counts", async () => {
    const { call, telemetry, projectId } = await setup();
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await telemetry.write({
      entries: [],
      errors: [],
      metrics: [
        {
          projectId,
          deploymentId: "d1",
          start: minute,
          requests: 10,
          errors: 1,
          coldStarts: 1,
          gbSeconds: 2,
          bytesOut: 1000,
          invocations: 10,
          latency: { "50": 9, "80": 1 },
        },
      ],
    });
    const metrics = await call("GET", "/api/v1/projects/shop/metrics?since=1h");
    expect(metrics.status).toBe(200);
    expect(metrics.body.stepMs).toBe(60_000);
    expect(metrics.body.series.length).toBeGreaterThanOrEqual(60);
    expect(metrics.body.summary).toMatchObject({ requests: 10, errors: 1, errorRate: 0.1, coldStarts: 1 });
    expect(metrics.body.series.at(-1)).toMatchObject({ start: minute, requests: 10 });
    expect((await call("GET", "/api/v1/projects/shop/metrics?since=7d")).body.stepMs).toBe(3_600_000);

    const usage = await call("GET", "/api/v1/projects/shop/usage?since=30d");
    expect(usage.body.usage).toMatchObject({ requests: 10, invocations: 10, gbSeconds: 2, storageBytes: 1024 ** 3 });
    expect(usage.body.cost.pricesDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(usage.body.dropped).toEqual({ entries: 0, errors: 0, metricDays: 0, beforeStorage: 7 });
  });

  it("serves Prometheus metrics only with the token", async () => {
    const { app } = await setup();
    expect((await app.request("/metrics")).status).toBe(401);
    const ok = await app.request("/metrics", { headers });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("slipway_up 1\n");
  });
});
