import { describe, expect, it } from "vitest";
import { isArtifactPath, MANIFEST_VERSION, parseManifest } from "./manifest.ts";

const manifest = {
  version: MANIFEST_VERSION,
  deploymentId: "dpl_1",
  buildId: "b1",
  nextVersion: "16.4.6",
  openNextVersion: "4.1.16",
  createdAt: "2026-01-01T00:00:00.000Z",
  nodeVersion: "24",
  server: { dir: "server-functions/default", entry: "index.mjs", streaming: true },
  image: null,
  functions: [],
  assets: { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed: ["_next/static/a.js"] },
  cache: { dir: "cache" },
  envKeys: [],
  timings: {},
};

describe("manifest node version", () => {
  it("names the Node.js the functions run on; a manifest from before it runs on 22; others are refused", () => {
    const { nodeVersion: _, ...older } = manifest;
    expect(parseManifest(older).nodeVersion).toBe("22");
    expect(() => parseManifest({ ...manifest, nodeVersion: "18" })).toThrow(/nodeVersion/);
  });
});

describe("manifest paths", () => {
  it("accept relative paths inside the artifact", () => {
    expect(parseManifest(manifest)).toEqual(manifest);
    expect(isArtifactPath("server-functions/default")).toBe(true);
  });

  it.each(["../../etc", "/etc", "assets/../..", "./assets", "assets//x", "", "a\\b", "a\0b"])(
    "refuse %j, which a hostile build could use to point the edge or a worker outside it",
    (bad) => {
      expect(isArtifactPath(bad)).toBe(false);
      expect(() => parseManifest({ ...manifest, assets: { ...manifest.assets, dir: bad } })).toThrow(
        /inside the artifact/,
      );
    },
  );
});

describe("manifest routed functions (version 2)", () => {
  const edge = {
    name: "edge-og",
    runtime: "edge",
    dir: "server-functions/edge-og",
    entry: "index.mjs",
    streaming: true,
    routes: ["app/og/route"],
    paths: ["/og"],
    cdnPatterns: ["og"],
  };

  it("reads a version 1 manifest as one without routed functions", () => {
    const { functions: _, ...v1 } = manifest;
    expect(parseManifest({ ...v1, version: 1 }).functions).toEqual([]);
    expect(() => parseManifest({ ...manifest, version: 3 })).toThrow();
  });

  it("accepts an edge function with a route path", () => {
    expect(parseManifest({ ...manifest, functions: [edge] }).functions).toEqual([edge]);
  });

  it.each([
    ["a name that is not a folder name", { name: "../x" }],
    ["a reserved name", { name: "server" }],
    ["a path that is not a route path", { paths: ["/:path*"] }],
    ["a folder outside the artifact", { dir: "../server-functions" }],
  ])("refuses %s", (_what, patch) => {
    expect(() => parseManifest({ ...manifest, functions: [{ ...edge, ...patch }] })).toThrow();
  });

  it("refuses two functions with one name", () => {
    expect(() => parseManifest({ ...manifest, functions: [edge, edge] })).toThrow(/must differ/);
  });
});
