import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MANIFEST_FILE } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { BuildFailure } from "../failure.ts";
import { writeManifest } from "./manifest.ts";

/** A minimal OpenNext output in `<tmp>/repo/.open-next`, beside a file the host must not touch. */
function build(bundle = ".open-next/server-functions/default") {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-manifest-")));
  const repoDir = path.join(dir, "repo");
  const root = path.join(repoDir, ".open-next");
  mkdirSync(path.join(root, "assets"), { recursive: true });
  mkdirSync(path.join(root, "server-functions", "default"), { recursive: true });
  writeFileSync(path.join(root, "assets", "BUILD_ID"), "b1\n");
  writeFileSync(path.join(root, "server-functions", "default", "index.mjs"), "export const handler = 1;");
  writeFileSync(
    path.join(root, "open-next.output.json"),
    JSON.stringify({ origins: { default: { bundle, handler: "index.handler", streaming: true } } }),
  );
  const outside = path.join(dir, "outside.json");
  writeFileSync(outside, '{"version":"6.6.6"}');
  const input = {
    artifactRoot: root,
    appDir: repoDir,
    repoDir,
    deploymentId: "dpl_1",
    envKeys: [],
    precompressed: [],
    openNextVersion: "4.1.16",
    nodeVersion: "24" as const,
    timings: {},
  };
  return { dir, repoDir, root, outside, input };
}

describe("writeManifest", () => {
  it("reads next's version through a link inside the checkout (pnpm), never one outside", async () => {
    const { repoDir, input } = build();
    const store = path.join(repoDir, "node_modules", ".pnpm", "next", "node_modules", "next");
    mkdirSync(store, { recursive: true });
    writeFileSync(path.join(store, "package.json"), '{"version":"16.4.6"}');
    symlinkSync(".pnpm/next/node_modules/next", path.join(repoDir, "node_modules", "next"));
    expect(await writeManifest(input)).toMatchObject({ buildId: "b1", nextVersion: "16.4.6", nodeVersion: "24" });

    const other = build();
    mkdirSync(path.join(other.repoDir, "node_modules", "next"), { recursive: true });
    symlinkSync(other.outside, path.join(other.repoDir, "node_modules", "next", "package.json"));
    expect(await writeManifest(other.input)).toMatchObject({ nextVersion: "unknown" });
  });

  it("writes a new manifest file instead of writing through one the build planted", async () => {
    const { root, outside, input } = build();
    linkSync(outside, path.join(root, MANIFEST_FILE));
    await writeManifest(input);
    expect(readFileSync(outside, "utf8")).toBe('{"version":"6.6.6"}');
    expect(JSON.parse(readFileSync(path.join(root, MANIFEST_FILE), "utf8"))).toMatchObject({ deploymentId: "dpl_1" });
  });

  it("refuses a function bundle that OpenNext's output places outside the build output", async () => {
    const { input } = build(".open-next/../../../etc");
    const failure = await writeManifest(input).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildFailure);
    expect((failure as Error).message).toMatch(/names a function outside the build output/);
  });

  it("refuses a BUILD_ID that is a link, naming it", async () => {
    const { root, outside, input } = build();
    const buildId = path.join(root, "assets", "BUILD_ID");
    rmSync(buildId);
    symlinkSync(outside, buildId);
    await expect(writeManifest(input)).rejects.toThrow("build output assets/BUILD_ID is a symlink");
  });
});
