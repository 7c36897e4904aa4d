import http from "node:http";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_DEPLOYMENT_ID, fixtureArtifact } from "./test-support/fixture-artifact.ts";
import { request } from "./test-support/http-client.ts";
import { imageSize } from "./test-support/image-size.ts";
import { startStack } from "./test-support/stack.ts";

// One real build of fixtures/next-app (cached across runs by content hash), activated through the
// local deployer and exercised through the edge's port, as a browser would.
let stack: Awaited<ReturnType<typeof startStack>>;
const IDLE_MS = 2_000;

beforeAll(async () => {
  const { artifactDir } = await fixtureArtifact();
  stack = await startStack(artifactDir, { idleTimeoutMs: IDLE_MS, maxRequestBodyBytes: 1024 * 1024 });
}, 300_000);
afterAll(async () => stack?.close());

const get = (path: string, headers: Record<string, string> = {}) => request(stack.port, path, { headers });
const text = (body: Buffer) => body.toString("utf8");

describe("local runtime, through the edge", () => {
  it("activates with a pre-warm request", () => {
    expect(stack.activation).toMatchObject({ ok: true });
  });

  it("serves the static home page from the cache, echoing a request id", async () => {
    const res = await get("/", { "x-request-id": "req-home-1" });
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toBe("req-home-1");
    expect(res.headers["x-nextjs-cache"]).toBe("HIT");
    expect(text(res.body)).toContain("<html");
  });

  it("renders /ssr per request, through middleware, with the deployment's env only", async () => {
    const res = await get("/ssr");
    expect(res.status).toBe(200);
    expect(res.headers["x-slipway-middleware"]).toBe("1");
    expect(text(res.body)).toContain("greeting:<!-- -->hello from env");
    expect(text(res.body)).toContain("middleware:<!-- -->yes");
  });

  it("answers route handlers (GET with query, POST with body)", async () => {
    const got = await get("/api/hello?name=ada");
    expect(JSON.parse(text(got.body))).toMatchObject({ hello: "world", query: { name: "ada" } });
    const posted = await request(stack.port, "/api/hello", {
      method: "POST",
      body: "ping",
      headers: { "content-type": "text/plain" },
    });
    expect(JSON.parse(text(posted.body))).toEqual({ method: "POST", received: "ping", length: 4 });
  });

  it("renders dynamic segments", async () => {
    const res = await get("/items/42");
    expect(res.status).toBe(200);
    expect(text(res.body)).toContain("42");
  });

  it("redirects /old-home with 308", async () => {
    const res = await get("/old-home");
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe("/");
  });

  it("gives middleware the request's real scheme: it fetches its own API over plain HTTP", async () => {
    // `localhost` resolves inside the sandbox, where the edge's port reaches the edge.
    stack.aliasHost("localhost");
    const res = await request(stack.port, "/self-fetch", { host: `localhost:${stack.port}` });
    expect(res.status).toBe(200);
    const body = JSON.parse(text(res.body));
    expect(body.url).toBe(`http://localhost:${stack.port}/self-fetch`);
    expect(body).toMatchObject({ status: 200, api: { hello: "world" } });
  });

  it("answers 502 for a rewrite to a host that does not resolve, and the worker goes on serving", async () => {
    expect((await get("/ssr")).status).toBe(200);
    const pids = stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).map((w) => w.pid);
    const crashes = () => stack.events.filter((e) => e.type === "crash").length;
    const crashesBefore = crashes();
    const res = await get("/external-missing");
    expect(res.status).toBe(502);
    expect(text(res.body)).toContain("rewrite target could not be reached");
    expect((await get("/ssr")).status).toBe(200);
    expect(crashes()).toBe(crashesBefore);
    const after = stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).map((w) => w.pid);
    expect(after).toEqual(expect.arrayContaining(pids));
  });

  it("serves public files itself: ETag/304, Range 206/416, HEAD, short cache", async () => {
    const res = await get("/hello.txt");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toContain("must-revalidate");
    const etag = String(res.headers.etag);
    expect((await get("/hello.txt", { "if-none-match": etag })).status).toBe(304);
    const part = await get("/hello.txt", { range: "bytes=0-4" });
    expect(part.status).toBe(206);
    expect(text(part.body)).toBe(text(res.body).slice(0, 5));
    expect((await get("/hello.txt", { range: "bytes=999999-" })).status).toBe(416);
    const head = await request(stack.port, "/hello.txt", { method: "HEAD" });
    expect(head.headers["content-length"]).toBe(String(res.body.length));
    expect(head.body.length).toBe(0);
  });

  it("serves _next/static chunks immutable, brotli when accepted, never traversal", async () => {
    const html = text((await get("/")).body);
    const chunk = /src="(\/_next\/static\/[^"]+\.js[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(chunk).toBeDefined();
    expect(chunk).toContain("dpl=dpl_fixture1");
    const plain = await get(chunk as string);
    const br = await get(chunk as string, { "accept-encoding": "gzip, br" });
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    for (const evil of ["/_next/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/hello.txt%00.js"]) {
      expect((await get(evil)).status).toBe(400);
    }
  });

  it("streams /api/stream chunk by chunk", async () => {
    const res = await get("/api/stream");
    expect(text(res.body)).toContain("chunk 2");
    expect(res.chunkTimes.length).toBeGreaterThanOrEqual(3);
    const spread = (res.chunkTimes.at(-1) ?? 0) - (res.chunkTimes[0] ?? 0);
    expect(spread).toBeGreaterThan(450);
  });

  it("resizes images through the image function", async () => {
    const res = await get("/_next/image?url=%2Fphoto.png&w=640&q=75", { accept: "image/webp,image/*" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/webp");
    expect(imageSize(res.body)).toEqual({ format: "webp", width: 640, height: 480 });
  }, 30_000);

  it("names the host on an unknown host", async () => {
    const res = await request(stack.port, "/", { host: "nope.localhost" });
    expect(res.status).toBe(404);
    expect(text(res.body)).toContain("nope.localhost");
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await request(stack.port, "/api/hello", { method: "POST", body: Buffer.alloc(2 * 1024 * 1024, 97) });
    expect(res.status).toBe(413);
  });

  it("serves ISR from the cache, then regenerates after 5 s", async () => {
    const stamp = async () => /id="generated-at">(\d+)</.exec(text((await get("/isr")).body))?.[1];
    // The build's prerender may already be past its 5 s: read until a page generated just now is cached.
    let first = await stamp();
    for (let i = 0; i < 40 && Date.now() - Number(first) > 2_000; i++) {
      await new Promise((r) => setTimeout(r, 250));
      first = await stamp();
    }
    expect(Date.now() - Number(first)).toBeLessThan(2_000);
    expect(await stamp()).toBe(first);
    await new Promise((r) => setTimeout(r, 5_500));
    let latest = await stamp(); // stale-while-revalidate: this one may still be the old page
    for (let i = 0; i < 20 && latest === first; i++) {
      await new Promise((r) => setTimeout(r, 250));
      latest = await stamp();
    }
    expect(latest).not.toBe(first);
  }, 30_000);

  it("answers 502 with the request id when the worker dies mid-request", async () => {
    const answer = new Promise<{ status: number; body: string; id: unknown }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: stack.port,
          path: "/api/hello",
          method: "POST",
          headers: { host: "fixture.localhost", "content-length": "100", "x-request-id": "req-crash-1" },
        },
        (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body, id: res.headers["x-request-id"] }));
        },
      );
      req.on("error", reject);
      req.write("only part of the body"); // the worker waits for the rest
    });
    // Wait until a worker holds the request.
    const worker = await vi.waitUntil(
      () =>
        stack.functionHost
          .workers(stack.activation.ok ? "dpl_fixture1" : "")
          .find((w) => w.kind === "server" && w.inflight > 0),
      { timeout: 5_000 },
    );
    process.kill(worker?.pid ?? 0, "SIGKILL");
    const res = await answer;
    expect(res.status).toBe(502);
    expect(res.id).toBe("req-crash-1");
    expect(res.body).toContain("req-crash-1");
    expect((await get("/ssr")).status).toBe(200); // replaced
  });

  it("scales to zero when idle, then cold-starts on the next request", async () => {
    for (let i = 0; i < 40 && stack.functionHost.workers("dpl_fixture1").length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(stack.functionHost.workers("dpl_fixture1")).toEqual([]);
    const res = await get("/ssr");
    expect(res.status).toBe(200);
    const report = stack.requests.find((r) => r.requestId === res.headers["x-request-id"]);
    expect(report).toMatchObject({ coldStart: true, status: 200, deploymentId: "dpl_fixture1", servedBy: "function" });
    expect(stack.events.some((e) => e.type === "scale-down" && e.reason === "idle")).toBe(true);
  }, 30_000);
});
