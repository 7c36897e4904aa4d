import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { artifactLinksAllowed, checkArtifactTree, type LogLine, MANIFEST_FILE } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";
import { extract } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalBuilder } from "./local-builder.ts";
import type { BuildResult } from "./pipeline-types.ts";
import { fixtureRepo, openNextConfig } from "./test-support/fixture-repo.ts";

// Two real builds (cold, then warm from the caches): ~1 min on two quiet cores.
const TIMEOUT = 600_000;

/**
 * What the build caches give a rebuild (dependencies, `.next/cache`, OpenNext's code patches,
 * precompressed assets) must not change what it ships: the same commit built warm gives the
 * cold build's artifact, file for file, but for the prerenders that show the time of the build.
 * Both builds get the same deployment id (Next writes it, and a BUILD_ID derived from it, into
 * its output); only each build's own work dir, which Next records in a few files, is told apart.
 */
describe("a warm rebuild", () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it(
    "ships the cold build's artifact, byte for byte, with OpenNext's code patches taken from the cache",
    async () => {
      dir = await mkdtemp(path.join(tmpdir(), "slipway-warm-it-"));
      const blobStore = createFsBlobStore(path.join(dir, "blobs"));
      const workDir = path.join(dir, "work");
      const builder = createLocalBuilder({
        blobStore,
        cacheDir: path.join(dir, "cache"),
        workDir,
        ...openNextConfig(dir),
      });
      const app = fixtureRepo("next-app", dir);
      const build = async (name: string) => {
        const lines: LogLine[] = [];
        const result: BuildResult = await builder.build({
          ...app,
          deploymentId: "dpl_same",
          projectId: "prj_warm",
          repoCredential: null,
          rootDir: "",
          installCommand: null,
          buildCommand: null,
          nodeVersion: "22",
          env: {},
          mask: [],
          onLog: (line) => lines.push({ ...line, seq: lines.length }),
          signal: new AbortController().signal,
        });
        const log = lines.map((line) => line.text).join("\n");
        if (!result.ok) throw new Error(`${name} build failed: ${result.reason}\n${log.slice(-8000)}`);
        const out = path.join(dir, name);
        await mkdir(out);
        const body = await blobStore.get(result.artifactKey);
        if (!body) throw new Error("artifact missing from the blob store");
        await pipeline(body, extract({ cwd: out }));
        return { out, log };
      };

      const cold = await build("cold");
      expect(cold.log).toMatch(/Code patches: 0 files from the build cache, [1-9]\d* patched/);
      const warm = await build("warm");
      expect(warm.log).toContain("✓ Restored dependencies from the build cache");
      expect(warm.log).toMatch(/Code patches: [1-9]\d* files from the build cache, 0 patched/);

      const files = listFiles(cold.out);
      expect(listFiles(warm.out)).toEqual(files);
      expect(files.length).toBeGreaterThan(100);
      // Each build's work dir is `<workDir>/dpl_same-<random>`: Next records it in a few files.
      const workDirs = new RegExp(`${workDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/dpl_same-[A-Za-z0-9]+`, "g");
      const normalized = (root: string, file: string) =>
        readFileSync(path.join(root, file)).toString("latin1").replace(workDirs, "<work>");
      // The fixture's ISR page and /api/time render the time of the build into their prerender.
      const renderedAtBuildTime = /\/\$\/(isr|api\/time)\.cache$/;
      const differing = files.filter(
        (file) =>
          file !== MANIFEST_FILE &&
          !renderedAtBuildTime.test(file) &&
          normalized(cold.out, file) !== normalized(warm.out, file),
      );
      expect(differing).toEqual([]);
      const manifest = (root: string) => ({
        ...JSON.parse(readFileSync(path.join(root, MANIFEST_FILE), "utf8")),
        timings: null,
        createdAt: null,
      });
      expect(manifest(warm.out)).toEqual(manifest(cold.out));
      expect(await checkArtifactTree(warm.out, { linksAllowed: artifactLinksAllowed })).toEqual([]);
    },
    TIMEOUT,
  );
});

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}
