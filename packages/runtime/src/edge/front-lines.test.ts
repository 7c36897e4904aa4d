import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createEdge } from "./edge.ts";
import type { Edge } from "./types.ts";

// The domain front's header lines (HSTS) on answers of the edge cache: a custom domain over the
// secure entry and the project's own URL over plain HTTP share one cached entry.
const HSTS = "max-age=600";
let dir: string;
let edge: Edge;
let plainPort: number;
let securePort: number;
let secureServer: http.Server;
let workerCalls = 0;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-front-lines-"));
  const root = path.join(dir, "deployments", "dpl_a");
  await fs.mkdir(path.join(root, "assets"), { recursive: true });
  await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(testManifest("dpl_a", "dpl_a")));
  // No middleware: pages may be answered from the cache.
  await fs.mkdir(path.join(root, "server", ".next", "server"), { recursive: true });
  await fs.writeFile(path.join(root, "server", ".next", "server", "middleware-manifest.json"), '{"middleware":{}}');
  edge = createEdge({
    deploymentsDir: path.join(dir, "deployments"),
    resolveHost: async (host) =>
      host === "a.localhost" || host === "shop.example.com" ? { deploymentId: "dpl_a", projectId: "prj" } : null,
    getDeployment: async () => null,
    domainFront: (_req, _res, host, secure) =>
      host === "shop.example.com" ? Promise.resolve(secure ? ["strict-transport-security", HSTS] : []) : false,
    functionHost: {
      async dispatch({ res }) {
        workerCalls++;
        res.writeHead(200, { "content-type": "text/html", "cache-control": "s-maxage=31536000" });
        res.end("page");
        return { status: 200, bytes: 4, coldStart: false };
      },
    },
    cache: { cachesDir: path.join(dir, "caches") },
  });
  plainPort = await edge.listen(0, "127.0.0.1");
  // The secure entry behind a plain socket: what the HTTPS listener hands the edge, without TLS.
  secureServer = http.createServer(edge.handleSecure);
  await new Promise<void>((resolve) => secureServer.listen(0, "127.0.0.1", resolve));
  securePort = (secureServer.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => secureServer?.close(resolve));
  await edge?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("the front's header lines", () => {
  it("carry HSTS once on the custom domain's misses and hits, and never into the cached entry", async () => {
    const miss = await request(securePort, "/", { host: "shop.example.com" });
    expect(miss.headers).toMatchObject({ "x-slipway-cache": "MISS", "strict-transport-security": HSTS });
    const hit = await request(securePort, "/", { host: "shop.example.com" });
    // A duplicate would arrive joined ("max-age=600, max-age=600").
    expect(hit.headers).toMatchObject({ "x-slipway-cache": "HIT", "strict-transport-security": HSTS });
    const projectUrl = await request(plainPort, "/", { host: "a.localhost" });
    expect(projectUrl.headers["x-slipway-cache"]).toBe("HIT");
    expect(projectUrl.headers["strict-transport-security"]).toBeUndefined();
    expect(workerCalls).toBe(1);
  });
});
