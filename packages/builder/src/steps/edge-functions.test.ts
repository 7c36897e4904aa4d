import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { functionNameFor, prepareEdgeFunctions } from "./edge-functions.ts";

/** An app folder whose `.next/server/middleware-manifest.json` is `manifest`, as next build writes it. */
function appWith(manifest: unknown): string {
  const appDir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-edge-fns-")));
  mkdirSync(path.join(appDir, ".next", "server"), { recursive: true });
  writeFileSync(path.join(appDir, ".next", "server", "middleware-manifest.json"), JSON.stringify(manifest));
  return appDir;
}

const fn = (name: string, source: string, extra: Record<string, unknown> = {}) => ({
  name,
  page: `/${name.split("/").slice(1).join("/")}`,
  files: [],
  matchers: [{ regexp: "^/x(?:/)?$", originalSource: source }],
  wasm: [],
  assets: [],
  ...extra,
});

const readBack = (appDir: string) =>
  JSON.parse(readFileSync(path.join(appDir, ".next", "server", "middleware-manifest.json"), "utf8"));

describe("edge runtime routes from the Next build", () => {
  it("become one function each, with a path the edge can route and a CDN pattern", async () => {
    const appDir = appWith({
      version: 3,
      middleware: {},
      functions: {
        "/og/route": fn("app/og/route", "/og"),
        "/hello/[name]/route": fn("app/hello/[name]/route", "/hello/[name]"),
        "/api/edge": fn("pages/api/edge", "/api/edge"),
      },
    });
    expect(await prepareEdgeFunctions(appDir)).toEqual([
      { name: "edge-og", route: "app/og/route", path: "/og", cdnPattern: "og" },
      { name: "edge-hello-name", route: "app/hello/[name]/route", path: "/hello/[name]", cdnPattern: "hello/*" },
      { name: "edge-api-edge", route: "pages/api/edge", path: "/api/edge", cdnPattern: "api/edge" },
    ]);
  });

  it("finds none without edge routes or without a manifest", async () => {
    expect(await prepareEdgeFunctions(appWith({ version: 3, middleware: {}, functions: {} }))).toEqual([]);
    expect(await prepareEdgeFunctions(realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-edge-none-"))))).toEqual(
      [],
    );
  });

  it("rewrites what OpenNext 4.1.16 cannot bundle: asset names with folders, Python-style regexp groups", async () => {
    const appDir = appWith({
      version: 3,
      middleware: {},
      functions: {
        "/og/route": fn("app/og/route", "/og", {
          assets: [{ name: "server/edge/assets/Geist.ttf", filePath: "server/edge/assets/Geist.ttf" }],
          matchers: [{ regexp: "^/og/(?P<nxtPx>[^/]+?)$", originalSource: "/og" }],
        }),
      },
    });
    await prepareEdgeFunctions(appDir);
    const og = readBack(appDir).functions["/og/route"];
    expect(og.assets).toEqual([{ name: "server__edge__assets__Geist.ttf", filePath: "server/edge/assets/Geist.ttf" }]);
    expect(og.matchers[0].regexp).toBe("^/og/(?<nxtPx>[^/]+?)$");
  });

  it("fails the build naming the route when its path cannot be routed", async () => {
    const appDir = appWith({
      version: 3,
      middleware: {},
      functions: { "/og/route": fn("app/og/route", "/:nextInternalLocale(en|fr)/og") },
    });
    await expect(prepareEdgeFunctions(appDir)).rejects.toThrow(/^edge runtime in app\/og\/route: Slipway cannot route/);
  });

  it("fails the build naming the route when middleware would be skipped for it", async () => {
    const middleware = (regexp: string) => ({ "/": { name: "middleware", matchers: [{ regexp }] } });
    const functions = { "/og/route": fn("app/og/route", "/og") };
    await expect(
      prepareEdgeFunctions(appWith({ version: 3, middleware: middleware("^/.*$"), functions })),
    ).rejects.toThrow(/^edge runtime in app\/og\/route: middleware would not run for \/og/);
    // A matcher that leaves the route alone is fine; a dynamic edge route is refused with any middleware.
    expect(
      await prepareEdgeFunctions(appWith({ version: 3, middleware: middleware("^/admin(?:/.*)?$"), functions })),
    ).toHaveLength(1);
    const dynamic = { "/hello/[name]/route": fn("app/hello/[name]/route", "/hello/[name]") };
    await expect(
      prepareEdgeFunctions(appWith({ version: 3, middleware: middleware("^/admin$"), functions: dynamic })),
    ).rejects.toThrow(/app\/hello\/\[name\]\/route/);
  });

  it("refuses names that are not Next's and a manifest reached through a link", async () => {
    const bad = appWith({ version: 3, middleware: {}, functions: { x: fn("../../etc/route", "/x") } });
    await expect(prepareEdgeFunctions(bad)).rejects.toThrow(/unexpected name/);
    const linked = appWith({ version: 3, middleware: {}, functions: {} });
    const elsewhere = appWith({ version: 3, middleware: {}, functions: { "/og/route": fn("app/og/route", "/og") } });
    const server = path.join(linked, ".next", "server");
    const manifest = path.join(server, "middleware-manifest.json");
    rmSync(manifest);
    symlinkSync(path.join(elsewhere, ".next", "server", "middleware-manifest.json"), manifest);
    await expect(prepareEdgeFunctions(linked)).rejects.toThrow(/symlink/);
  });

  it("names functions after their routes, short and unique", () => {
    expect(functionNameFor("app/(marketing)/blog/[slug]/page")).toBe("edge-marketing-blog-slug");
    expect(functionNameFor("app/route")).toBe("edge-index");
    expect(functionNameFor(`app/${"very-long-segment/".repeat(5)}route`).length).toBeLessThanOrEqual(40);
  });
});
