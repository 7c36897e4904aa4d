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
