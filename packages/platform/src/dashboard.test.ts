import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDashboardListener, isApiPath } from "./dashboard.ts";

describe("the platform's address", () => {
  it("sends /api and below and /metrics to the API, every other path to the dashboard", () => {
    for (const path of [
      "/api",
      "/api/v1/projects",
      "/api/auth/sign-in/email",
      "/api?x=1",
      "/metrics",
      "/metrics?x=1",
    ]) {
      expect(isApiPath(path), path).toBe(true);
    }
    for (const path of [
      "/",
      "/apis",
      "/api-docs",
      "/sites/api",
      "/metricsx",
      "/sites/a/metrics",
      "/_next/static/x.js",
      undefined,
    ]) {
      expect(isApiPath(path), String(path)).toBe(false);
    }
  });

  it("answers 503 naming the API while the dashboard is not built, and logs how to build it", async () => {
    const logged: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), "slipway-no-dashboard-"));
    const listener = createDashboardListener(() => new Response("api"), { dir: `${dir}/`, log: (l) => logged.push(l) });
    const server = createServer(listener).listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("/api/v1");
      expect(logged.join("\n")).toContain("npm run build -w apps/dashboard");
    } finally {
      server.close();
    }
  });
});
