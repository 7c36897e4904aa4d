import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createFunctionHost } from "./host.ts";
import { bwrapAvailable } from "./sandbox.ts";
import type { FunctionHost } from "./types.ts";

// A tiny stand-in for an OpenNext server bundle, using the same streaming protocol, so the host's
// failure paths (timeouts, slow requests, env isolation) are tested without a Next build.
const BUNDLE = `
export const handler = awslambda.streamifyResponse(async (event, stream) => {
  const respond = (status, body) => {
    stream.write(JSON.stringify({ statusCode: status, headers: { "content-type": "text/plain" }, cookies: [] }));
    stream.write(new Uint8Array(8));
    stream.end(body);
  };
  if (event.rawPath === "/hang") return new Promise(() => {});
  if (event.rawPath === "/slow") await new Promise((r) => setTimeout(r, 300));
  if (event.rawPath === "/env") return respond(200, JSON.stringify(process.env));
  if (event.rawPath === "/read") {
    const { readFileSync } = await import("node:fs");
    try { return respond(200, readFileSync(event.queryStringParameters.file, "utf8")); }
    catch (error) { return respond(403, error.code); }
  }
  respond(200, "pid " + process.pid);
});
`;

let dir: string;
let host: FunctionHost;
let port: number;
let server: http.Server;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-fh-"));
  const root = path.join(dir, "deployments", "dpl_fake");
  await fs.mkdir(path.join(root, "server"), { recursive: true });
  await fs.mkdir(path.join(root, "assets"), { recursive: true });
  await fs.writeFile(path.join(root, "server", "index.mjs"), BUNDLE);
  const manifest = testManifest("dpl_fake", "b");

  await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(manifest));
  host = createFunctionHost({
    deploymentsDir: path.join(dir, "deployments"),
    cachesDir: path.join(dir, "cache"),
    getRuntimeEnv: async () => ({ APP_SECRET: "s3cret" }),
    revalidateOrigin: "http://127.0.0.1:1",
    requestTimeoutMs: 1_000,
    maxWorkersPerDeployment: 2,
  });
  server = http.createServer((req, res) => {
    const requestId = String(req.headers["x-request-id"] ?? "r");
    host.dispatch({ deploymentId: "dpl_fake", kind: "server", req, res, headers: req.headers, requestId });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
}, 30_000);

afterAll(async () => {
  server?.close();
  await host?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("function host", () => {
  it("gives workers the deployment's env and the runtime contract, nothing of the platform's", async () => {
    const env = JSON.parse((await request(port, "/env")).body.toString()) as Record<string, string>;
    expect(env.APP_SECRET).toBe("s3cret");
    expect(env.NODE_ENV).toBe("production");
    expect(env.SLIPWAY_CACHE_DIR).toBe(path.join(dir, "cache", "dpl_fake"));
    // PWD is set by bubblewrap's --chdir (the bundle folder), not inherited from the platform.
    delete env.PWD;
    expect(Object.keys(env).sort()).toEqual(
      [
        "APP_SECRET",
        "NODE_ENV",
        "PATH",
        "SLIPWAY_ASSETS_DIR",
        "SLIPWAY_CACHE_DIR",
        "SLIPWAY_REVALIDATE_ORIGIN",
        "TZ",
      ].sort(),
    );
  });

  it.skipIf(!bwrapAvailable("/usr/local/bin:/usr/bin:/bin"))(
    "sandboxes workers: no platform files, no other deployments",
    async () => {
      await fs.writeFile(path.join(dir, "platform-secret.txt"), "secret");
      const read = (file: string) => request(port, `/read?file=${encodeURIComponent(file)}`);
      expect((await read(path.join(dir, "platform-secret.txt"))).status).toBe(403);
      expect((await read(path.join(dir, "deployments", "dpl_fake", "slipway-manifest.json"))).status).toBe(200);
      expect((await read("/etc/shadow")).status).toBe(403);
    },
  );

  it("answers 504 with the request id when the function does not answer in time", async () => {
    const res = await request(port, "/hang", { headers: { "x-request-id": "req-hang" } });
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain("req-hang");
  });

  it("adds a worker when every worker is busy, up to the maximum", async () => {
    await Promise.all(Array.from({ length: 6 }, () => request(port, "/slow")));
    // The extra worker starts in the background.
    await vi.waitUntil(() => host.workers("dpl_fake").length === 2, { timeout: 5_000 });
    await Promise.all(Array.from({ length: 6 }, () => request(port, "/slow")));
    expect(host.workers("dpl_fake").length).toBe(2);
  }, 15_000);
});
