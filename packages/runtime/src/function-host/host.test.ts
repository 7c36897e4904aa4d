import { promises as fs } from "node:fs";
import http from "node:http";
import module from "node:module";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { cgroupSupport, networkIsolationStatus } from "@slipway/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createFunctionHost } from "./host.ts";
import { bwrapAvailable } from "./sandbox.ts";
import type { FunctionHost, FunctionHostEvent } from "./types.ts";

// A tiny stand-in for an OpenNext server bundle, using the same streaming protocol, so the host's
// failure paths (timeouts, slow requests, env isolation) are tested without a Next build.
const BUNDLE = `
import { writeFileSync } from "node:fs";
// Shows the worker went through Node's exit path (where Node writes its compile cache).
process.on("exit", () => writeFileSync(process.env.SLIPWAY_CACHE_DIR + "/exited-cleanly", "yes"));
export const handler = awslambda.streamifyResponse(async (event, stream) => {
  const respond = (status, body) => {
    stream.write(JSON.stringify({ statusCode: status, headers: { "content-type": "text/plain" }, cookies: [] }));
    stream.write(new Uint8Array(8));
    stream.end(body);
  };
  if (event.rawPath === "/hang") for (;;) {} // spins: only a kill stops it
  if (event.rawPath === "/hog") { const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1)); }
  if (event.rawPath === "/heap") { const keep = []; for (;;) keep.push(new Array(1 << 20).fill(Math.random())); }
  if (event.rawPath === "/connect") {
    const { connect } = await import("node:net");
    const answer = await new Promise((resolve) => {
      const socket = connect(Number(event.queryStringParameters.port), "127.0.0.1");
      socket.on("data", (data) => { resolve(String(data).trim()); socket.destroy(); });
      socket.on("error", (error) => resolve(error.code));
    });
    return respond(200, answer);
  }
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
let patient: FunctionHost;
let port: number;
let server: http.Server;
const events: FunctionHostEvent[] = [];
// Two services on the host's loopback: workers may reach only the allowlisted one.
const services = { open: 0, allowed: 0 };
const listening: net.Server[] = [];
const sandboxed = bwrapAvailable("/usr/local/bin:/usr/bin:/bin");
const isolated = sandboxed && networkIsolationStatus().mode === "isolated";

/** Polls a condition (never a fixed sleep): resolves once it holds, fails after `ms`. */
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-fh-"));
  const root = path.join(dir, "deployments", "dpl_fake");
  await fs.mkdir(path.join(root, "server"), { recursive: true });
  await fs.mkdir(path.join(root, "assets"), { recursive: true });
  await fs.writeFile(path.join(root, "server", "index.mjs"), BUNDLE);
  const manifest = testManifest("dpl_fake", "b");

  await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(manifest));
  // A second deployment with a routed function (an edge runtime route) beside its server.
  const routed = path.join(dir, "deployments", "dpl_routed");
  for (const folder of ["server", "server-functions/edge-og", "server-functions/broken", "assets"]) {
    await fs.mkdir(path.join(routed, folder), { recursive: true });
  }
  await fs.writeFile(path.join(routed, "server", "index.mjs"), BUNDLE);
  await fs.writeFile(
    path.join(routed, "server-functions/edge-og", "index.mjs"),
    BUNDLE.replace('respond(200, "pid " + process.pid);', 'respond(200, "edge-og bundle");'),
  );
  // A function that exits before it is ready, saying why on stderr (as a missing setting would).
  await fs.writeFile(
    path.join(routed, "server-functions/broken", "index.mjs"),
    'console.error("boom: DATABASE_URL is not set"); process.exit(1);',
  );
  await fs.writeFile(
    path.join(routed, "slipway-manifest.json"),
    JSON.stringify({
      ...testManifest("dpl_routed", "b"),
      functions: [
        {
          name: "edge-og",
          runtime: "edge",
          dir: "server-functions/edge-og",
          entry: "index.mjs",
          streaming: true,
          routes: ["app/og/route"],
          paths: ["/og"],
          cdnPatterns: ["og"],
        },
        {
          name: "broken",
          runtime: "edge",
          dir: "server-functions/broken",
          entry: "index.mjs",
          streaming: true,
          routes: ["app/broken/route"],
          paths: ["/broken"],
          cdnPatterns: ["broken"],
        },
      ],
    }),
  );
  for (const name of ["open", "allowed"] as const) {
    const service = net.createServer((socket) => socket.end(`${name} service\n`));
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    services[name] = (service.address() as AddressInfo).port;
    listening.push(service);
  }
  const options = {
    deploymentsDir: path.join(dir, "deployments"),
    cachesDir: path.join(dir, "cache"),
    getRuntimeEnv: async () => ({ APP_SECRET: "s3cret" }),
    revalidateOrigin: "http://127.0.0.1:1",
    requestTimeoutMs: 1_000,
    maxWorkersPerDeployment: 2,
    workerLimits: { memoryMb: 160 },
    allowLoopback: [`127.0.0.1:${services.allowed}`],
    onEvent: (event: FunctionHostEvent) => events.push(event),
  };
  host = createFunctionHost(options);
  // Reaching a memory limit takes seconds on a busy two-core box: those requests get a host with
  // a timeout that cannot fire first.
  patient = createFunctionHost({ ...options, requestTimeoutMs: 60_000 });
  server = http.createServer((req, res) => {
    const requestId = String(req.headers["x-request-id"] ?? "r");
    const target = req.headers["x-patient"] ? patient : host;
    const kind = String(req.headers["x-kind"] ?? "server");
    const deploymentId = req.headers["x-kind"] ? "dpl_routed" : "dpl_fake";
    target.dispatch({ deploymentId, kind, req, res, headers: req.headers, requestId });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
}, 30_000);

afterAll(async () => {
  server?.close();
  for (const service of listening) service.close();
  await host?.close();
  await patient?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("function host", () => {
  it("runs a routed function from the manifest in its own pool, and stops it with its deployment", async () => {
    const edge = await request(port, "/og", { headers: { "x-kind": "edge-og" } });
    const server = await request(port, "/", { headers: { "x-kind": "server" } });
    expect([edge.status, server.status]).toEqual([200, 200]);
    const workers = host.workers("dpl_routed");
    expect(workers.map((w) => w.kind).sort()).toEqual(["edge-og", "server"]);
    expect(edge.body.toString()).toBe("edge-og bundle");
    expect(server.body.toString()).toMatch(/^pid \d+$/);
    const missing = await request(port, "/", { headers: { "x-kind": "edge-missing" } });
    expect(missing.status).toBe(502);
    expect(missing.body.toString()).toContain("has no edge-missing function");
    await host.stop("dpl_routed");
    expect(host.workers("dpl_routed")).toEqual([]);
    for (const worker of workers) await until(() => !alive(worker.pid));
  });

  it("a worker that exits before ready fails its start with its last stderr lines, kept off the error page", async () => {
    const failed = await request(port, "/broken", { headers: { "x-kind": "broken" } });
    expect(failed.status).toBe(502);
    expect(failed.body.toString()).toContain("did not start: exited with 1");
    expect(failed.body.toString()).not.toContain("DATABASE_URL");
    const event = events.find((e) => e.type === "start-failed" && e.kind === "broken");
    expect(event).toMatchObject({ error: expect.stringContaining("exited with 1") });
    // Console lines come tagged with their level (worker-log.ts).
    expect(event?.type === "start-failed" && event.stderr.join("\n")).toContain("boom: DATABASE_URL is not set");
  });

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

  it.skipIf(!sandboxed)("sandboxes workers: no platform files, no other deployments", async () => {
    await fs.writeFile(path.join(dir, "platform-secret.txt"), "secret");
    const read = (file: string) => request(port, `/read?file=${encodeURIComponent(file)}`);
    expect((await read(path.join(dir, "platform-secret.txt"))).status).toBe(403);
    expect((await read(path.join(dir, "deployments", "dpl_fake", "slipway-manifest.json"))).status).toBe(200);
    expect((await read("/etc/shadow")).status).toBe(403);
  });

  it("answers 504 after the timeout, recycles the spinning worker, and serves the next request at once", async () => {
    const res = await request(port, "/hang", { headers: { "x-request-id": "req-hang" } });
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain("req-hang");
    await until(() => events.some((e) => e.type === "recycle"));
    const recycled = events.find((e) => e.type === "recycle");
    if (recycled?.type !== "recycle") throw new Error("no recycle event");
    expect(recycled.reason).toBe("timeout");
    // Queued behind the spinning worker, it would get a 504 too; it gets an answer from another one.
    const next = await request(port, "/");
    expect(next.status).toBe(200);
    expect(next.body.toString()).not.toBe(`pid ${recycled.pid}`);
    await until(() => !alive(recycled.pid));
  });

  it("a worker past its V8 heap limit dies and the next request is served", async () => {
    const res = await request(port, "/heap", { headers: { "x-patient": "1" } });
    expect(res.status).toBe(502);
    await until(() => events.some((e) => e.type === "crash" && e.cause === "out-of-memory"));
    expect((await request(port, "/", { headers: { "x-patient": "1" } })).status).toBe(200);
  });

  it.skipIf(!cgroupSupport().memory)(
    "a worker past its memory limit (Buffers, outside the V8 heap) is killed and the next request is served",
    async () => {
      const before = events.filter((e) => e.type === "crash" && e.cause === "out-of-memory").length;
      const res = await request(port, "/hog", { headers: { "x-patient": "1" } });
      expect(res.status).toBe(502);
      await until(() => events.filter((e) => e.type === "crash" && e.cause === "out-of-memory").length > before);
      expect((await request(port, "/", { headers: { "x-patient": "1" } })).status).toBe(200);
    },
  );

  it.skipIf(!isolated)("workers reach an allowlisted loopback service and no other", async () => {
    const connect = async (to: number) => (await request(port, `/connect?port=${to}`)).body.toString();
    expect(await connect(services.open)).toBe("ECONNREFUSED");
    expect(await connect(services.allowed)).toBe("allowed service");
  });

  it("adds a worker when every worker is busy, up to the maximum", async () => {
    await Promise.all(Array.from({ length: 6 }, () => request(port, "/slow")));
    // The extra worker starts in the background.
    await vi.waitUntil(() => host.workers("dpl_fake").length === 2, { timeout: 5_000 });
    await Promise.all(Array.from({ length: 6 }, () => request(port, "/slow")));
    expect(host.workers("dpl_fake").length).toBe(2);
  }, 15_000);

  it("reports where a cold start went, and stops an idle worker through Node's exit path", async () => {
    const own: FunctionHostEvent[] = [];
    const cachesDir = path.join(dir, "cache-cold");
    // Without a socketDir the host makes its own under os.tmpdir(): a folder of this test's.
    const tmp = await fs.mkdtemp(path.join(dir, "tmp-"));
    const tmpBefore = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const fresh = createFunctionHost({
      deploymentsDir: path.join(dir, "deployments"),
      cachesDir,
      getRuntimeEnv: async () => ({}),
      revalidateOrigin: "http://127.0.0.1:1",
      onEvent: (event) => own.push(event),
    });
    // The host reads os.tmpdir() once, when it is made. An unset TMPDIR must stay unset, not "undefined".
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
    try {
      expect((await fresh.warm("dpl_fake")).status).toBe(200);
      const cold = own.find((e) => e.type === "cold-start");
      expect(cold).toMatchObject({ type: "cold-start", kind: "server" });
      if (cold?.type !== "cold-start") throw new Error("no cold-start event");
      expect(cold.bootMs).toBeGreaterThan(0);
      // Unsandboxed, "sandbox" is spawn until Node's spawn event, which overlaps the child's boot.
      const sandboxPart = sandboxed ? cold.sandboxMs : 0;
      expect(cold.ms).toBeGreaterThanOrEqual(sandboxPart + cold.bootMs + cold.importMs);
      if (sandboxed) expect(cold.sandboxMs).toBeGreaterThan(0);
      // Node >= 22.1 compiles the bundle once per deployment; older Node says it cannot.
      const supported = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function";
      expect(cold.compileCache).toBe(supported ? "enabled" : "unsupported");
      expect(cold.spareSandbox).toBe(false);
      if (sandboxed) {
        // The first start left a spare sandbox behind (a moment later): a later start takes it.
        await vi.waitUntil(
          async () => {
            await fresh.stop("dpl_fake");
            await fresh.warm("dpl_fake");
            const last = own.filter((e) => e.type === "cold-start").at(-1);
            return last?.type === "cold-start" && last.spareSandbox;
          },
          { timeout: 10_000, interval: 100 },
        );
      }
    } finally {
      await fresh.stop("dpl_fake");
      await fresh.close();
    }
    expect(await fs.readFile(path.join(cachesDir, "dpl_fake", "exited-cleanly"), "utf8")).toBe("yes");
    // The socket folder it made for itself went with it.
    expect(await fs.readdir(tmp)).toEqual([]);
  });
});
