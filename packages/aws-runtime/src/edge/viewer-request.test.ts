import { readFileSync } from "node:fs";
import { deploymentHostLabel, ID_LENGTH, matchesRoute, parseRoutePattern } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { createMemoryEdgeRouteTable } from "./memory-route-table.ts";
import type { DeploymentOrigins } from "./route-table.ts";
import { FUNCTION_CODE_LIMIT, VIEWER_REQUEST_FUNCTION_PATH } from "./viewer-request-function.ts";
import { FUNCTION_IMPORT, loadViewerRequestFunction as loadFunction, viewerRequest } from "./viewer-request-sandbox.ts";

const SOURCE = readFileSync(VIEWER_REQUEST_FUNCTION_PATH, "utf8");

const STABLE = "a1b2c3d4e5";
const CANARY = "f6g7h8i9j0";
const origins = (id: string, image = true): DeploymentOrigins => ({
  server: `srv${id}.lambda-url.eu-west-1.on.aws`,
  image: image ? `img${id}.lambda-url.eu-west-1.on.aws` : null,
  assets: `assets/${id}`,
  publicFiles: ["favicon.ico", "images", "hello world.txt"],
});
const serverOrigin = (id: string) => ({
  domainName: `srv${id}.lambda-url.eu-west-1.on.aws`,
  customOriginConfig: { port: 443, protocol: "https", sslProtocols: ["TLSv1.2"] },
  originAccessControlConfig: { enabled: false },
});

async function routes(setup?: (table: ReturnType<typeof createMemoryEdgeRouteTable>) => Promise<void>) {
  const table = createMemoryEdgeRouteTable();
  await table.putDeployment(STABLE, origins(STABLE));
  await table.putHost("shop.sites.example.com", { deploymentId: STABLE });
  await table.putHost("shop-git-feature-x.sites.example.com", { deploymentId: STABLE });
  await setup?.(table);
  return loadFunction(table.entries);
}

describe("the viewer-request function as shipped", () => {
  it("is under CloudFront's 10 KB and starts with the runtime's import", () => {
    expect(Buffer.byteLength(SOURCE)).toBeLessThan(FUNCTION_CODE_LIMIT);
    expect(SOURCE.startsWith(FUNCTION_IMPORT)).toBe(true);
    // Immutable hostnames are read with the deployment id's length.
    expect(SOURCE).toContain(`-([a-z0-9]{${ID_LENGTH}})$/`);
  });
});

describe("host routing", () => {
  it("sends a production host to its deployment's server function, with the cache-key and forwarded-host headers", async () => {
    const fn = await routes();
    const out = await fn.handler(viewerRequest({ host: "Shop.Sites.Example.com:443", uri: "/cart" }));
    expect(fn.lookups).toEqual(["h:shop.sites.example.com", `d:${STABLE}`]);
    expect(fn.origins).toEqual([serverOrigin(STABLE)]);
    expect(out.uri).toBe("/cart");
    expect(out.headers["x-slipway-deployment"]).toEqual({ value: STABLE });
    expect(out.headers["x-forwarded-host"]).toEqual({ value: "shop.sites.example.com" });
  });

  it("routes a branch host through its own entry", async () => {
    const fn = await routes();
    const out = await fn.handler(viewerRequest({ host: "shop-git-feature-x.sites.example.com" }));
    expect(out.headers["x-slipway-deployment"]).toEqual({ value: STABLE });
    expect(fn.origins).toEqual([serverOrigin(STABLE)]);
  });

  it("resolves an immutable host from the id in its label, with one lookup", async () => {
    const fn = await routes(async (t) => t.putDeployment(CANARY, origins(CANARY)));
    const host = `${deploymentHostLabel("shop", CANARY)}.sites.example.com`;
    const out = await fn.handler(viewerRequest({ host }));
    expect(fn.lookups).toEqual([`d:${CANARY}`]);
    expect(out.headers["x-slipway-deployment"]).toEqual({ value: CANARY });
    expect(fn.origins).toEqual([serverOrigin(CANARY)]);
  });

  it("routes a host whose label only looks like an immutable one through its own entry", async () => {
    const fn = await routes(async (t) => t.putHost("blog-2024summer.example.org", { deploymentId: STABLE }));
    const out = await fn.handler(viewerRequest({ host: "blog-2024summer.example.org" }));
    expect(fn.lookups).toEqual(["d:2024summer", "h:blog-2024summer.example.org", `d:${STABLE}`]);
    expect(out.headers["x-slipway-deployment"]).toEqual({ value: STABLE });
  });

  it("answers unknown hosts and removed deployments with a 404 of its own", async () => {
    const fn = await routes(async (t) => t.putHost("gone.example.org", { deploymentId: "zzzzzzzzzz" }));
    for (const host of ["nobody.example.org", `shop-${"q".repeat(ID_LENGTH)}.sites.example.com`]) {
      const out = await fn.handler(viewerRequest({ host }));
      expect(out.statusCode).toBe(404);
      expect(out.body?.data).toContain("no deployment serves this hostname");
      expect(out.headers["cache-control"]).toEqual({ value: "no-store" });
    }
    const gone = await fn.handler(viewerRequest({ host: "gone.example.org" }));
    expect(gone.statusCode).toBe(404);
    expect(gone.body?.data).toContain("does not exist");
    expect(fn.origins).toEqual([]);
  });

  it("refuses hostnames no key could hold without a lookup, and a missing Host", async () => {
    const fn = await routes();
    for (const host of [`${"a".repeat(600)}.example.com`, "evil.example.com/../x", ""]) {
      expect((await fn.handler(viewerRequest({ host }))).statusCode).toBe(404);
    }
    const event = viewerRequest({ host: "x" });
    delete (event.request.headers as Record<string, unknown>).host;
    expect((await fn.handler(event)).statusCode).toBe(404);
    expect(fn.lookups).toEqual([]);
  });

  it("answers 502 when an entry is unreadable or names an origin that is not a function URL", async () => {
    const entries = new Map([
      ["h:broken.example.org", "not json"],
      ["h:evil.example.org", `{"d":"${STABLE}"}`],
      [`d:${STABLE}`, '{"s":"attacker.example.net","a":"assets/x"}'],
    ]);
    const fn = loadFunction(entries);
    expect((await fn.handler(viewerRequest({ host: "broken.example.org" }))).statusCode).toBe(502);
    expect((await fn.handler(viewerRequest({ host: "evil.example.org" }))).statusCode).toBe(502);
    expect(fn.origins).toEqual([]);
  });
});

describe("paths", () => {
  it("serves /_next/static/* and public files from the assets bucket under the deployment's prefix", async () => {
    const fn = await routes();
    for (const [uri, key] of [
      ["/_next/static/chunks/main-abc.js", `/assets/${STABLE}/_next/static/chunks/main-abc.js`],
      ["/favicon.ico", `/assets/${STABLE}/favicon.ico`],
      ["/images/logo.png", `/assets/${STABLE}/images/logo.png`],
      ["/hello%20world.txt", `/assets/${STABLE}/hello%20world.txt`],
    ]) {
      const out = await fn.handler(viewerRequest({ host: "shop.sites.example.com", uri }));
      expect(out.uri).toBe(key);
      expect(out.headers["x-slipway-deployment"]).toEqual({ value: STABLE });
    }
    expect(fn.origins).toEqual([]);
  });

  it("sends pages, other methods and look-alike paths to the server function", async () => {
    const fn = await routes();
    for (const [method, uri] of [
      ["GET", "/"],
      ["GET", "/imagesque"],
      ["POST", "/favicon.ico"],
      ["GET", "/_next/data/build/index.json"],
    ]) {
      const out = await fn.handler(viewerRequest({ host: "shop.sites.example.com", uri, method }));
      expect(out.uri).toBe(uri);
    }
    expect(fn.origins).toEqual(Array(4).fill(serverOrigin(STABLE)));
  });

  it("sends /_next/image to the image function, or to the server when the deployment has none", async () => {
    const fn = await routes(async (t) => {
      await t.putDeployment(CANARY, origins(CANARY, false));
      await t.putHost("noimage.example.org", { deploymentId: CANARY });
    });
    await fn.handler(viewerRequest({ host: "shop.sites.example.com", uri: "/_next/image" }));
    await fn.handler(viewerRequest({ host: "noimage.example.org", uri: "/_next/image" }));
    expect(fn.origins.map((o) => o.domainName)).toEqual([
      `img${STABLE}.lambda-url.eu-west-1.on.aws`,
      `srv${CANARY}.lambda-url.eu-west-1.on.aws`,
    ]);
  });
});

describe("edge-runtime routes", () => {
  const EDGE = "k3m4n5p6q7";
  // The edge fixture's routes (fixtures/edge-app) and the other shapes local routes.
  const edgeRoutes = ["/og", "/hello/[name]", "/docs/[...slug]", "/shop/[[...path]]", "/hello/world"];
  const urlId = (path: string) => `e${edgeRoutes.indexOf(path)}${"x".repeat(31)}`;
  const edgeHost = (path: string) => `${urlId(path)}.lambda-url.eu-west-1.on.aws`;
  const withEdge = () =>
    routes(async (t) => {
      await t.putDeployment(EDGE, {
        ...origins(EDGE),
        edge: edgeRoutes.map((path) => ({ path, origin: edgeHost(path) })),
      });
      await t.putHost("edge.sites.example.com", { deploymentId: EDGE });
    });

  it("sends a path an edge route matches to that route's function URL, others to the server", async () => {
    const fn = await withEdge();
    const cases: [string, string, string | null][] = [
      ["GET", "/og", "/og"],
      ["GET", "/og/", "/og"],
      ["GET", "/hello/ada", "/hello/[name]"],
      ["POST", "/hello/J%C3%BCrgen", "/hello/[name]"],
      // A static route wins over a dynamic one that also matches, as in Next.
      ["GET", "/hello/world", "/hello/world"],
      ["GET", "/docs/a/b/c", "/docs/[...slug]"],
      ["GET", "/shop", "/shop/[[...path]]"],
      ["GET", "/shop/x/y", "/shop/[[...path]]"],
      ["GET", "/docs", null],
      ["GET", "/hello", null],
      ["GET", "/hello/a/b", null],
      ["GET", "/og/more", null],
      ["GET", "/ogx", null],
      ["GET", "/hello/%E0%A4%A", null],
      ["GET", "/", null],
    ];
    for (const [method, uri] of cases) {
      const out = await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri, method }));
      expect(out.uri).toBe(uri);
      expect(out.headers["x-slipway-deployment"]).toEqual({ value: EDGE });
    }
    expect(fn.origins.map((o) => o.domainName)).toEqual(
      cases.map(([, , route]) => (route === null ? `srv${EDGE}.lambda-url.eu-west-1.on.aws` : edgeHost(route))),
    );
    expect(fn.origins[0]).toEqual({ ...serverOrigin(EDGE), domainName: edgeHost("/og") });
  });

  it("matches exactly as the local edge does (core's matchesRoute)", async () => {
    const fn = await withEdge();
    const paths = ["/og", "/og/", "/hello/a", "/hello/", "/hello//x", "/docs/a", "/docs/%ZZ", "/shop/a//b", "/x"];
    for (const uri of paths) {
      await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri }));
      const local = edgeRoutes.filter((p) => matchesRoute(parseRoutePattern(p) ?? [], uri));
      const expected = local.find((p) => !p.includes("[")) ?? local[0];
      expect(fn.origins.at(-1)?.domainName, uri).toBe(
        expected === undefined ? `srv${EDGE}.lambda-url.eu-west-1.on.aws` : edgeHost(expected),
      );
    }
  });

  it("keeps static files and /_next/image off the edge routes", async () => {
    const table = createMemoryEdgeRouteTable();
    await table.putDeployment(EDGE, { ...origins(EDGE), edge: [{ path: "/[[...all]]", origin: edgeHost("/og") }] });
    await table.putHost("edge.sites.example.com", { deploymentId: EDGE });
    const fn = await loadFunction(table.entries);
    const asset = await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri: "/favicon.ico" }));
    expect(asset.uri).toBe(`/assets/${EDGE}/favicon.ico`);
    await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri: "/_next/image" }));
    await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri: "/anything" }));
    expect(fn.origins.map((o) => o.domainName)).toEqual([`img${EDGE}.lambda-url.eu-west-1.on.aws`, edgeHost("/og")]);
  });

  it("answers 502 when an edge route entry is unreadable", async () => {
    const entries = new Map([
      ["h:edge.sites.example.com", JSON.stringify({ d: EDGE })],
      [
        `d:${EDGE}`,
        JSON.stringify({ s: `srv${EDGE}.lambda-url.eu-west-1.on.aws`, a: `assets/${EDGE}`, e: [["/og", "evil.com/"]] }),
      ],
    ]);
    const fn = await loadFunction(entries);
    const out = await fn.handler(viewerRequest({ host: "edge.sites.example.com", uri: "/og" }));
    expect(out.statusCode).toBe(502);
    expect(fn.origins).toEqual([]);
  });
});

describe("canary", () => {
  const withCanary = (percent: number) =>
    routes(async (t) => {
      await t.putDeployment(CANARY, origins(CANARY));
      await t.putHost("shop.sites.example.com", { deploymentId: STABLE, canary: { deploymentId: CANARY, percent } });
    });
  const served = async (fn: Awaited<ReturnType<typeof routes>>, options: Parameters<typeof viewerRequest>[0]) =>
    (await fn.handler(viewerRequest(options))).headers["x-slipway-deployment"]?.value;

  it("sends about its percentage of clients to the canary", async () => {
    const fn = await withCanary(20);
    let canary = 0;
    for (let i = 0; i < 1000; i++) {
      const ip = `203.0.${Math.floor(i / 250)}.${i % 250}`;
      if ((await served(fn, { host: "shop.sites.example.com", ip })) === CANARY) canary += 1;
    }
    expect(canary).toBeGreaterThan(140);
    expect(canary).toBeLessThan(260);
  });

  it("is sticky: a client gets the same deployment on every request, the cookie pins it", async () => {
    const fn = await withCanary(50);
    for (let i = 0; i < 20; i++) {
      const ip = `192.0.2.${i}`;
      const first = await served(fn, { host: "shop.sites.example.com", ip });
      for (let again = 0; again < 3; again++) {
        expect(await served(fn, { host: "shop.sites.example.com", ip, uri: `/page/${again}` })).toBe(first);
      }
    }
    const pinned = (value: string) => ({ "slipway-canary": { value } });
    expect(await served(fn, { host: "shop.sites.example.com", cookies: pinned("49") })).toBe(CANARY);
    expect(await served(fn, { host: "shop.sites.example.com", cookies: pinned("50") })).toBe(STABLE);
  });

  it("buckets a client by address and user agent as the local edge does (the same vectors as its canary-split.test.ts)", async () => {
    const vectors: Array<[string, string, number]> = [
      ["203.0.113.7", "Mozilla/5.0", 34],
      ["198.51.100.23", "", 69],
      ["192.0.2.9", "Mozilla/5.0 (X11; Linux x86_64)", 71],
    ];
    for (const [ip, agent, bucket] of vectors) {
      const client = { host: "shop.sites.example.com", ip, headers: { "user-agent": { value: agent } } };
      expect(await served(await withCanary(bucket + 1), client)).toBe(CANARY);
      expect(await served(await withCanary(bucket), client)).toBe(STABLE);
    }
  });

  it("keeps everyone on the stable deployment when the canary's deployment is gone", async () => {
    const fn = await routes(async (t) =>
      t.putHost("shop.sites.example.com", { deploymentId: STABLE, canary: { deploymentId: CANARY, percent: 100 } }),
    );
    expect(await served(fn, { host: "shop.sites.example.com" })).toBe(STABLE);
    expect(fn.origins).toEqual([serverOrigin(STABLE)]);
  });
});

describe("header spoofing", () => {
  it("drops every x-slipway-* header a client sends and sets its own", async () => {
    const fn = await routes(async (t) => t.putDeployment(CANARY, origins(CANARY)));
    const out = await fn.handler(
      viewerRequest({
        host: "shop.sites.example.com",
        headers: {
          "x-slipway-deployment": { value: CANARY },
          "x-slipway-origin-secret": { value: "guess" },
          "x-forwarded-host": { value: "admin.example.com" },
        },
      }),
    );
    expect(out.headers["x-slipway-deployment"]).toEqual({ value: STABLE });
    expect(out.headers["x-slipway-origin-secret"]).toBeUndefined();
    expect(out.headers["x-forwarded-host"]).toEqual({ value: "shop.sites.example.com" });
    expect(fn.origins).toEqual([serverOrigin(STABLE)]);
  });
});
