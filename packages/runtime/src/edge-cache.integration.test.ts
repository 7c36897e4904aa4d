import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_DEPLOYMENT_ID, fixtureArtifact } from "./test-support/fixture-artifact.ts";
import { request } from "./test-support/http-client.ts";
import { startStack } from "./test-support/stack.ts";

// The edge cache on the real fixture build (fixtures/next-app, built once and shared with
// runtime.integration.test.ts), through the edge's port.
let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  const { artifactDir } = await fixtureArtifact();
  stack = await startStack(artifactDir, { idleTimeoutMs: 1_500 });
}, 300_000);
afterAll(async () => stack?.close());

const get = (p: string, headers: Record<string, string> = {}) => request(stack.port, p, { headers });
const post = (p: string) => request(stack.port, p, { method: "POST" });
const stampOf = (body: Buffer) => /id="generated-at">(\d+)</.exec(body.toString("utf8"))?.[1];
const servedBy = (res: { headers: Record<string, unknown> }) =>
  stack.requests.find((r) => r.requestId === res.headers["x-request-id"])?.servedBy;
const workerRequests = () => stack.requests.filter((r) => r.servedBy === "function" || r.servedBy === "image").length;
/** The worker's tag store: a revalidation route's tag write lands just after its response. */
const tagWritten = (tag: string) => {
  const dir = path.join(stack.dataDir, "cache", FIXTURE_DEPLOYMENT_ID, "__tags");
  const name = `${createHash("sha256").update(tag).digest("hex")}.json`;
  return existsSync(path.join(dir, name));
};

describe("edge cache on the fixture", () => {
  it("serves the prerendered page without a worker, even after the deployment scaled to zero", async () => {
    expect((await get("/")).status).toBe(200);
    const hit = await get("/");
    expect(hit.headers).toMatchObject({ "x-nextjs-cache": "HIT", "x-slipway-cache": "HIT" });
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(0);
    expect(servedBy(hit)).toBe("cache");
    await vi.waitUntil(() => stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID).length === 0, {
      timeout: 15_000,
      interval: 100,
    });
    const before = workerRequests();
    for (let i = 0; i < 20; i++) expect((await get("/")).headers["x-slipway-cache"]).toBe("HIT");
    expect(workerRequests()).toBe(before);
    expect(stack.functionHost.workers(FIXTURE_DEPLOYMENT_ID)).toEqual([]);
  }, 30_000);

  it("keeps the RSC variant apart from the HTML and never caches SSR", async () => {
    // Next answers an RSC request without its cache-busting `_rsc` hash with a redirect to it.
    const redirect = await get("/isr", { rsc: "1" });
    expect(redirect.status).toBe(307);
    const rscUrl = String(redirect.headers.location);
    await get(rscUrl, { rsc: "1" });
    const rsc = await get(rscUrl, { rsc: "1" });
    expect(rsc.status).toBe(200);
    expect(String(rsc.headers["content-type"])).toContain("text/x-component");
    expect(rsc.headers["x-slipway-cache"]).toMatch(/HIT|STALE/);
    const html = await get("/isr");
    expect(String(html.headers["content-type"])).toContain("text/html");
    // /ssr is dynamic and behind middleware: every request reaches the worker.
    for (let i = 0; i < 2; i++) expect(servedBy(await get("/ssr"))).toBe("function");
  });

  it("serves an ISR page STALE after its s-maxage, refreshes it once in the background, then HIT", async () => {
    // Wait for an entry generated just now (the build's prerender may be old already).
    let stamp = "";
    await vi.waitUntil(
      async () => {
        const res = await get("/isr");
        stamp = stampOf(res.body) ?? "";
        return res.headers["x-slipway-cache"] === "HIT" && /s-maxage=5\b/.test(String(res.headers["cache-control"]));
      },
      { timeout: 20_000, interval: 200 },
    );
    const stale = await vi.waitUntil(
      async () => {
        const res = await get("/isr");
        return res.headers["x-nextjs-cache"] === "STALE" ? res : null;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(stampOf(stale.body)).toBe(stamp);
    expect(Number(stale.headers.age)).toBeGreaterThanOrEqual(5);
    await vi.waitUntil(async () => stampOf((await get("/isr")).body) !== stamp, { timeout: 15_000, interval: 200 });
    expect((await get("/isr")).headers["x-slipway-cache"]).toBe("HIT");
  }, 60_000);

  it("purges on revalidatePath: once the tag is written the next request is fresh", async () => {
    await get("/isr");
    const cached = await get("/isr");
    expect(cached.headers["x-slipway-cache"]).toMatch(/HIT|STALE/);
    expect((await post("/api/revalidate?path=/isr")).status).toBe(200);
    await vi.waitUntil(() => tagWritten("_N_T_/isr"), { timeout: 5_000, interval: 5 });
    const after = await get("/isr");
    expect(after.headers["x-slipway-cache"]).toBe("MISS");
    expect(stampOf(after.body)).not.toBe(stampOf(cached.body));
  }, 30_000);

  it("purges on revalidateTag: a page tagged through its data is fresh after the tag write", async () => {
    await get("/tagged");
    const cached = await get("/tagged");
    expect(cached.headers["x-slipway-cache"]).toBe("HIT");
    expect((await post("/api/revalidate-tag?tag=fixture-tag")).status).toBe(200);
    await vi.waitUntil(() => tagWritten("fixture-tag"), { timeout: 5_000, interval: 5 });
    const after = await get("/tagged");
    expect(after.headers["x-slipway-cache"]).toBe("MISS");
    expect(stampOf(after.body)).not.toBe(stampOf(cached.body));
    expect(stampOf((await get("/tagged")).body)).toBe(stampOf(after.body));
  }, 30_000);

  it("caches a route handler with revalidate", async () => {
    const first = await get("/api/time");
    const second = await get("/api/time");
    expect(second.headers["x-slipway-cache"]).toBe("HIT");
    expect(second.body.toString()).toBe(first.body.toString());
  });

  it("caches optimized images per format with Next's must-revalidate header, never immutable for public/", async () => {
    const url = "/_next/image?url=%2Fphoto.png&w=320&q=75";
    const webp = await get(url, { accept: "image/webp,image/*" });
    expect(webp.headers["content-type"]).toBe("image/webp");
    expect(webp.headers["cache-control"]).toMatch(/^public, max-age=\d+, must-revalidate$/);
    const again = await get(url, { accept: "image/webp,image/apng,*/*" });
    expect(again.headers["x-slipway-cache"]).toBe("HIT");
    expect(servedBy(again)).toBe("cache");
    expect(again.body.equals(webp.body)).toBe(true);
    const png = await get(url, { accept: "image/png" });
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.headers["x-slipway-cache"]).toBe("MISS");
  }, 30_000);
});
