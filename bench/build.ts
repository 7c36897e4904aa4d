import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BuildResult, createLocalBuilder, createToolchain } from "@slipway/builder";
import { fixtureRepo, openNextConfig } from "@slipway/builder/test-support";
import type { LogLine } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";

type Row = { name: string; wall: number; timings: Record<string, number> };

/**
 * Builds fixtures/next-app twice through the real builder (sandbox included): cold, with an empty
 * cache dir, then warm, same project and lockfile. Overhead is what Slipway adds around the user's
 * install and build and OpenNext: clone, cache restore/save, precompression, manifest, tar + store.
 * The toolchain (pinned Node.js, sharp) is installed first and timed apart: it happens once per
 * data dir, not per project, so it is in neither build.
 * Goals: overhead ≤ 2 s, warm ≤ 1/4 of cold.
 */
export async function benchBuild(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-build-"));
  try {
    const repo = fixtureRepo("next-app", dir);
    const toolchainDir = path.join(dir, "toolchain");
    const toolchain = createToolchain(toolchainDir);
    const toolchainStart = performance.now();
    await toolchain.sharp(await toolchain.node("22"));
    const toolchainMs = performance.now() - toolchainStart;
    const builder = createLocalBuilder({
      blobStore: createFsBlobStore(path.join(dir, "blobs")),
      cacheDir: path.join(dir, "cache"),
      toolchainDir,
      workDir: path.join(dir, "work"),
      ...openNextConfig(dir),
    });
    const rows: Row[] = [];
    for (const name of ["cold", "warm"]) {
      const lines: LogLine[] = [];
      const started = performance.now();
      const result: BuildResult = await builder.build({
        deploymentId: `dpl_bench_${name}`,
        projectId: "prj_bench",
        ...repo,
        repoCredential: null,
        rootDir: "",
        installCommand: null,
        nodeVersion: "22",
        buildCommand: null,
        env: {},
        mask: [],
        onLog: (line) => lines.push({ ...line, seq: lines.length }),
        signal: new AbortController().signal,
      });
      if (!result.ok) throw new Error(`${name} build failed: ${result.reason}\n${lines.map((l) => l.text).join("\n")}`);
      rows.push({ name, wall: performance.now() - started, timings: result.timings });
      process.stderr.write(`[bench] ${name} build, ms by step: ${JSON.stringify(result.timings)}\n`);
    }
    return `${table(rows)}\n\nToolchain first install (Node.js 22 + sharp, once per data dir, npm cache warm): ${(toolchainMs / 1000).toFixed(1)} s.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const out = [
    "| build | install | next build | OpenNext packaging | platform overhead | (clone / precompress / tar+store) | total (wall) |",
    "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
  ];
  for (const { name, wall, timings: t } of rows) {
    const user = (t.install ?? 0) + (t.build ?? 0) + (t.openNext ?? 0);
    const overhead = wall - user;
    const parts = [t.clone, t.precompress, t.store].map((ms) => s(ms ?? 0)).join(" / ");
    out.push(
      `| ${name} | ${s(t.install ?? 0)} s | ${s(t.build ?? 0)} s | ${s(t.openNext ?? 0)} s | ${s(overhead)} s | ${parts} | ${s(wall)} s |`,
    );
  }
  const [cold, warm] = rows;
  if (cold && warm) {
    const ratio = warm.wall / cold.wall;
    const installRatio = (warm.timings.install ?? 0) / Math.max(1, cold.timings.install ?? 1);
    const overhead = (r: Row) => r.wall - (r.timings.install ?? 0) - (r.timings.build ?? 0) - (r.timings.openNext ?? 0);
    const worst = Math.max(overhead(cold), overhead(warm));
    out.push(
      "",
      `Install step warm/cold: ${installRatio.toFixed(3)}.`,
      "",
      "| goal | measured | target | result |",
      "| --- | ---: | --- | --- |",
      `| platform overhead (worst of cold and warm) | ${s(worst)} s | ≤ 2 s | ${worst <= 2000 ? "pass" : "FAIL"} |`,
      `| warm rebuild / cold build (same lockfile) | ${ratio.toFixed(2)} | ≤ 0.25 | ${ratio <= 0.25 ? "pass" : "FAIL"} |`,
    );
  }
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchBuild());
}
