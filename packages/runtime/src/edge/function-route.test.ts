import { MANIFEST_VERSION, parseManifest } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { testManifest } from "../test-support/manifest.ts";
import { functionFor, functionRoutesOf } from "./function-route.ts";

const edgeFn = (name: string, path: string) => ({
  name,
  runtime: "edge" as const,
  dir: `server-functions/${name}`,
  entry: "index.mjs",
  streaming: true,
  routes: [`app${path}/route`],
  paths: [path],
  cdnPatterns: [],
});

const routes = functionRoutesOf(
  parseManifest({
    ...testManifest("dpl_1", "b1"),
    version: MANIFEST_VERSION,
    image: { dir: "image", entry: "index.mjs" },
    functions: [
      edgeFn("edge-og", "/og"),
      edgeFn("edge-hello-name", "/hello/[name]"),
      edgeFn("edge-hello-me", "/hello/me"),
    ],
  }),
);

describe("which function serves a path", () => {
  it("sends edge routes to their own function and everything else to the server", () => {
    expect(functionFor(routes, "/og")).toBe("edge-og");
    expect(functionFor(routes, "/og/")).toBe("edge-og");
    expect(functionFor(routes, "/hello/ada")).toBe("edge-hello-name");
    expect(functionFor(routes, "/")).toBe("server");
    expect(functionFor(routes, "/og/x")).toBe("server");
    expect(functionFor(routes, "/_next/image")).toBe("image");
  });

  it("prefers a static route over a dynamic one, as Next does", () => {
    expect(functionFor(routes, "/hello/me")).toBe("edge-hello-me");
  });

  it("reads a version 1 manifest as having no routed functions", () => {
    const v1 = functionRoutesOf(parseManifest({ ...testManifest("dpl_1", "b1"), version: 1, functions: undefined }));
    expect(functionFor(v1, "/og")).toBe("server");
    expect(functionFor(v1, "/_next/image")).toBe("server");
  });
});
