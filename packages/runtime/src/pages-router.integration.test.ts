import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureArtifact } from "./test-support/fixture-artifact.ts";
import { request } from "./test-support/http-client.ts";
import { startStack } from "./test-support/stack.ts";

// One real build of fixtures/pages-app (Pages Router, i18n en/fr, trailingSlash), cached across
// runs by content hash, activated through the local deployer and fetched through the edge.
let stack: Awaited<ReturnType<typeof startStack>>;
let buildId: string;

beforeAll(async () => {
  const { artifactDir } = await fixtureArtifact("pages-app");
  buildId = (await readFile(path.join(artifactDir, "assets/BUILD_ID"), "utf8")).trim();
  stack = await startStack(artifactDir);
}, 600_000);
afterAll(async () => stack?.close());

const get = (p: string) => request(stack.port, p);
const text = (body: Buffer) => body.toString("utf8");
const field = (html: string, id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];

describe("a Pages Router app with i18n and trailingSlash, through the edge", () => {
  it("serves the prerendered home page per locale", async () => {
    const en = await get("/");
    expect(en.status).toBe(200);
    expect(field(text(en.body), "locale")).toBe("en");
    const fr = await get("/fr/");
    expect(fr.status).toBe(200);
    expect(field(text(fr.body), "locale")).toBe("fr");
  });

  it("redirects a path without its trailing slash", async () => {
    const res = await get("/ssr");
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe("/ssr/");
  });

  it("renders getServerSideProps per request, with the query", async () => {
    const res = await get("/fr/ssr/?name=ada");
    expect(res.status).toBe(200);
    expect(text(res.body)).toContain("Hello, <!-- -->ada");
    expect(field(text(res.body), "locale")).toBe("fr");
  });

  it("answers an API route", async () => {
    const res = await get("/api/hello/");
    expect(res.status).toBe(200);
    expect(JSON.parse(text(res.body))).toEqual({ hello: "pages", method: "GET" });
  });

  it("serves prerendered dynamic paths, renders fallback ones on demand and 404s notFound", async () => {
    const first = await get("/posts/first/");
    expect(first.status).toBe(200);
    expect(field(text(first.body), "slug")).toBe("first");
    const fresh = await get("/fr/posts/brand-new/");
    expect(fresh.status).toBe(200);
    expect(field(text(fresh.body), "slug")).toBe("brand-new");
    expect(field(text(fresh.body), "locale")).toBe("fr");
    expect((await get("/posts/missing/")).status).toBe(404);
  });

  // Client-side navigation fetches the data route. Its revalidation used to go to `/en/isr`, get
  // the trailingSlash 308 and count that as done: the entry stayed STALE with the build's value.
  it("regenerates an ISR page fetched as data once it is past its revalidate time", async () => {
    const dataPath = `/_next/data/${buildId}/en/isr.json`;
    const generatedAt = async () => {
      const res = await get(dataPath);
      expect(res.status).toBe(200);
      return (JSON.parse(text(res.body)) as { pageProps: { generatedAt: number } }).pageProps.generatedAt;
    };
    const first = await generatedAt();
    // revalidate is 2 s: once past it, a fetch serves the stale value and regenerates behind it.
    await vi.waitFor(async () => expect(await generatedAt()).toBeGreaterThan(first), {
      timeout: 20_000,
      interval: 500,
    });
  }, 30_000);

  it("regenerates the ISR page fetched as HTML in the default locale", async () => {
    const generatedAt = async () => Number(field(text((await get("/isr/")).body), "generated-at"));
    const first = await generatedAt();
    await vi.waitFor(async () => expect(await generatedAt()).toBeGreaterThan(first), {
      timeout: 20_000,
      interval: 500,
    });
  }, 30_000);
});
