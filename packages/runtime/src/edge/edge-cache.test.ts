import { promises as fs } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createEdge } from "./edge.ts";
import type { Edge, RequestReport } from "./types.ts";

// The edge cache through the edge's port, over a fake function host whose answers each test
// scripts per path (written the way the real host writes them: writeHead, then body chunks).
type Script = (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>;
let dir: string;
let edge: Edge;
let port: number;
const scripts = new Map<string, Script>();
const calls = new Map<string, number>();
const reports: RequestReport[] = [];

const page =
  (cacheControl: string, extra: Record<string, string | string[]> = {}): Script =>
  (_req, res, n) => {
    const body = `page ${n}`;
    res.writeHead(200, { "content-type": "text/html", "cache-control": cacheControl, ...extra });
    res.end(body);
  };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-edge-cache-"));
  for (const id of ["dpl_a", "dpl_b"]) {
    const root = path.join(dir, "deployments", id);
    await fs.mkdir(path.join(root, "assets"), { recursive: true });
    const manifest = { ...testManifest(id, id), image: { dir: "image", entry: "index.mjs" } };
    await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(manifest));
    // Middleware on /mw-* only: those paths must reach the worker every time.
    await fs.mkdir(path.join(root, "server", ".next", "server"), { recursive: true });
    const middleware = { middleware: { "/": { matchers: [{ regexp: "^/mw-.*$", originalSource: "/mw-:path*" }] } } };
    await fs.writeFile(
      path.join(root, "server", ".next", "server", "middleware-manifest.json"),
      JSON.stringify(middleware),
    );
  }
  edge = createEdge({
    deploymentsDir: path.join(dir, "deployments"),
    resolveHost: async (host) =>
      host === "a.localhost"
        ? { deploymentId: "dpl_a", projectId: "prj" }
        : host === "b.localhost"
          ? { deploymentId: "dpl_b", projectId: "prj" }
          : null,
    getDeployment: async () => null,
    functionHost: {
      async dispatch({ req, res }) {
        const pathname = (req.url ?? "/").split("?")[0] ?? "/";
        const n = (calls.get(pathname) ?? 0) + 1;
        calls.set(pathname, n);
        await scripts.get(pathname)?.(req, res, n);
        return { status: res.statusCode, bytes: 0, coldStart: false };
      },
    },
    cache: { cachesDir: path.join(dir, "caches"), maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 },
    onRequest: (report) => reports.push(report),
  });
  port = await edge.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await edge?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  scripts.clear();
  calls.clear();
});

let unique = 0;
/** A fresh path per test, so tests never share entries. */
const fresh = (name: string) => `/${name}-${++unique}`;
const get = (p: string, headers: Record<string, string> = {}, host = "a.localhost") =>
  request(port, p, { host, headers });

describe("edge cache", () => {
  it("serves a prerendered page from memory: MISS, then HIT with age, no worker request", async () => {
    const p = fresh("static");
    scripts.set(p, page("s-maxage=31536000", { etag: '"e1"', "x-nextjs-cache": "HIT" }));
    const miss = await get(p);
    expect(miss.headers["x-slipway-cache"]).toBe("MISS");
    const hit = await get(p);
    expect(hit.body.toString()).toBe("page 1");
    expect(hit.headers).toMatchObject({ "x-nextjs-cache": "HIT", age: "0", "content-length": "6" });
    expect(calls.get(p)).toBe(1);
    const report = reports.find((r) => r.requestId === hit.headers["x-request-id"]);
    expect(report).toMatchObject({ servedBy: "cache", status: 200, deploymentId: "dpl_a" });
    expect((await get(p, { "if-none-match": '"e1"' })).status).toBe(304);
    const head = await request(port, p, { host: "a.localhost", method: "HEAD" });
    expect(head.headers["content-length"]).toBe("6");
    expect(calls.get(p)).toBe(1);
  });

  it("keys by deployment, query, Vary'd headers and content coding", async () => {
    const p = fresh("vary");
    scripts.set(p, page("s-maxage=60", { vary: "rsc, next-router-prefetch" }));
    await get(p);
    await get(p, {}, "b.localhost");
    await get(`${p}?x=1`);
    await get(p, { rsc: "1" });
    await get(p, { "accept-encoding": "gzip" });
    expect(calls.get(p)).toBe(5);
    expect((await get(p, { rsc: "1" })).body.toString()).toBe("page 4");
    expect((await get(p)).body.toString()).toBe("page 1");
    expect(calls.get(p)).toBe(5);
  });

  it("never stores private, no-store, Set-Cookie, cookie-varying, POST, draft-mode or middleware answers", async () => {
    const cases: Array<[Script, Record<string, string>]> = [
      [page("private, s-maxage=60"), {}],
      [page("private, no-cache, no-store, max-age=0, must-revalidate"), {}],
      [page("s-maxage=60", { "set-cookie": "session=1" }), {}],
      [page("s-maxage=60", { vary: "Cookie" }), {}],
      [page("s-maxage=60"), { cookie: "__prerender_bypass=1" }],
      [page("s-maxage=60"), { authorization: "Bearer t" }],
    ];
    for (const [script, headers] of cases) {
      const p = fresh("uncacheable");
      scripts.set(p, script);
      await get(p, headers);
      await get(p, headers);
      expect(calls.get(p)).toBe(2);
    }
    const mw = `/mw-${++unique}`;
    scripts.set(mw, page("s-maxage=60"));
    await get(mw);
    await get(mw);
    expect(calls.get(mw)).toBe(2);
    const p = fresh("post");
    scripts.set(p, page("s-maxage=60"));
    await request(port, p, { host: "a.localhost", method: "POST", body: "x" });
    await get(p);
    expect(calls.get(p)).toBe(2);
  });

  it("serves stale within stale-while-revalidate and refreshes once in the background", async () => {
    const p = fresh("isr");
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    scripts.set(p, async (req, res, n) => {
      if (n === 2) await held; // the refresh takes a while: concurrent stale hits must not add one
      page("s-maxage=1, stale-while-revalidate=60")(req, res, n);
    });
    await get(p);
    await vi.waitUntil(async () => (await get(p)).headers["x-nextjs-cache"] === "STALE", { timeout: 5_000 });
    const stale = await Promise.all([get(p), get(p), get(p)]);
    expect(stale.map((r) => r.headers["x-nextjs-cache"])).toEqual(["STALE", "STALE", "STALE"]);
    expect(stale[0]?.body.toString()).toBe("page 1");
    expect(Number(stale[0]?.headers.age)).toBeGreaterThanOrEqual(1);
    await vi.waitUntil(() => calls.get(p) === 2, { timeout: 5_000 });
    await get(p);
    expect(calls.get(p)).toBe(2);
    release();
    await vi.waitUntil(async () => (await get(p)).body.toString() === "page 2", { timeout: 5_000 });
    expect(calls.get(p)).toBe(2);
  });

  it("purges on revalidatePath / revalidateTag (the deployment's tag store), refreshes after Next regenerated a page", async () => {
    const p = fresh("tagged");
    scripts.set(p, page("s-maxage=3600"));
    await get(p);
    expect((await get(p)).headers["x-nextjs-cache"]).toBe("HIT");
    const tags = path.join(dir, "caches", "dpl_a", "__tags");
    await fs.mkdir(tags, { recursive: true });
    await fs.writeFile(path.join(tags, "t1.json"), JSON.stringify({ tag: `_N_T_${p}`, revalidatedAt: Date.now() }));
    const after = await get(p);
    expect(after.body.toString()).toBe("page 2");
    expect((await get(p)).headers["x-nextjs-cache"]).toBe("HIT");

    scripts.set(p, (req, res, n) => {
      if (req.headers["x-prerender-revalidate"]) {
        res.writeHead(200);
        res.end();
        return;
      }
      page("s-maxage=3600")(req, res, n);
    });
    await request(port, p, { host: "a.localhost", method: "HEAD", headers: { "x-prerender-revalidate": "id" } });
    // Regenerated in the background (ISR): served STALE once more while one refresh fetches it.
    const stale = await get(p);
    expect(stale.headers["x-nextjs-cache"]).toBe("STALE");
    expect(stale.body.toString()).toBe("page 2");
    await vi.waitUntil(async () => (await get(p)).body.toString() === "page 4", { timeout: 5_000 });
    expect(calls.get(p)).toBe(4);
  });

  it("stores a body only under the content coding it is in", async () => {
    const p = fresh("coding");
    scripts.set(p, (_req, res, n) => {
      res.writeHead(200, { "cache-control": "s-maxage=60", "content-encoding": "gzip" });
      res.end(`gzip ${n}`);
    });
    await get(p, { "accept-encoding": "br, gzip" }); // the worker chose gzip: a br client must not get it
    await get(p, { "accept-encoding": "br" });
    expect(calls.get(p)).toBe(2);
    await get(p, { "accept-encoding": "gzip" });
    expect((await get(p, { "accept-encoding": "gzip" })).headers["x-slipway-cache"]).toBe("HIT");
    expect(calls.get(p)).toBe(3);
  });

  it("stops serving a stale page whose refresh is no longer cacheable", async () => {
    const p = fresh("gone");
    scripts.set(p, (req, res, n) =>
      n === 1 ? page("s-maxage=1, stale-while-revalidate=60")(req, res, n) : page("private, no-store")(req, res, n),
    );
    await get(p);
    await vi.waitUntil(async () => (await get(p)).headers["x-nextjs-cache"] === "STALE", { timeout: 5_000 });
    await vi.waitUntil(async () => (await get(p)).headers["x-slipway-cache"] === "MISS", { timeout: 5_000 });
    expect((await get(p)).body.toString()).not.toBe("page 1");
  });

  it("streams a response over the entry limit without storing it", async () => {
    const p = fresh("big");
    scripts.set(p, (_req, res) => {
      res.writeHead(200, { "cache-control": "s-maxage=60" });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1024, 97));
      res.end();
    });
    expect((await get(p)).body.length).toBe(10 * 1024);
    expect((await get(p)).body.length).toBe(10 * 1024);
    expect(calls.get(p)).toBe(2);
  });

  it("drops a forgotten deployment's entries", async () => {
    const p = fresh("forget");
    scripts.set(p, page("s-maxage=60"));
    await get(p, {}, "b.localhost");
    await get(p, {}, "b.localhost");
    expect(calls.get(p)).toBe(1);
    const before = edge.cacheStats().entries;
    edge.forget("dpl_b");
    expect(edge.cacheStats().entries).toBeLessThan(before);
    await get(p, {}, "b.localhost");
    expect(calls.get(p)).toBe(2);
  });

  it("answers images with Next's Cache-Control and caches them per negotiated format", async () => {
    scripts.set("/_next/image", (req, res) => {
      const webp = String(req.headers.accept).includes("image/webp");
      res.writeHead(200, {
        vary: "Accept",
        "content-type": webp ? "image/webp" : "image/png",
        "cache-control": "public,max-age=14400,immutable",
      });
      res.end(webp ? "WEBP" : "PNG");
    });
    const url = `/_next/image?url=%2Fphoto.png&w=640&q=${++unique}`;
    const first = await get(url, { accept: "image/webp,*/*" });
    expect(first.headers["cache-control"]).toBe("public, max-age=14400, must-revalidate");
    const again = await get(url, { accept: "image/webp,image/apng" });
    expect(again.headers).toMatchObject({
      "x-nextjs-cache": "HIT",
      "cache-control": "public, max-age=14400, must-revalidate",
    });
    expect((await get(url, { accept: "image/png" })).body.toString()).toBe("PNG");
    expect(calls.get("/_next/image")).toBe(2);
    const reportOf = (id: unknown) => reports.find((r) => r.requestId === id);
    expect(reportOf(again.headers["x-request-id"])?.servedBy).toBe("cache");
    const hashed = await get(`/_next/image?url=%2F_next%2Fstatic%2Fmedia%2Fa.1234.png&w=64&q=${unique}`, {
      accept: "image/webp",
    });
    expect(hashed.headers["cache-control"]).toBe("public, max-age=315360000, immutable");
  });
});
