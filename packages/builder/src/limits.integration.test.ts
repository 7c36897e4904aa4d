import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LogLine } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";
import { cgroupSupport } from "@slipway/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import type { BuildLimits } from "./limits.ts";
import { createLocalBuilder } from "./local-builder.ts";
import type { PipelineRequest } from "./pipeline-types.ts";
import { openNextConfig, repoWith } from "./test-support/fixture-repo.ts";

// Each limit is hit by the project's install command, so no next build is needed: the build
// fails in its first sandboxed step, and the reason and the log must name the limit.
const dir = mkdtempSync(path.join(tmpdir(), "slipway-limits-"));
const app = repoWith("tiny", { "package.json": '{ "name": "tiny", "private": true }\n' }, dir);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function buildWith(limits: Partial<BuildLimits>, installCommand: string) {
  const builder = createLocalBuilder({
    blobStore: createFsBlobStore(path.join(dir, "blobs")),
    cacheDir: path.join(dir, "cache"),
    workDir: path.join(dir, "work"),
    limits,
    ...openNextConfig(dir),
  });
  const lines: LogLine[] = [];
  const request: PipelineRequest = {
    ...app,
    deploymentId: "dpl_limits",
    projectId: "prj_limits",
    rootDir: "",
    installCommand,
    buildCommand: null,
    nodeVersion: "22",
    repoCredential: null,
    env: {},
    mask: [],
    onLog: (line) => lines.push({ ...line, seq: lines.length }),
    signal: new AbortController().signal,
  };
  const result = await builder.build(request);
  return { reason: result.ok ? "built" : result.reason, last: lines.at(-1)?.text };
}

const cgroups = cgroupSupport();

describe("build limits", () => {
  it.skipIf(!cgroups.memory)("a build over its memory limit fails naming the limit", async () => {
    const hog = "node -e 'const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1))'";
    const { reason, last } = await buildWith({ memoryMb: 128 }, hog);
    expect(reason).toBe("build exceeded its memory limit of 128 MB");
    expect(last).toBe("✗ build exceeded its memory limit of 128 MB");
  });

  it.skipIf(!cgroups.pids)("a build over its process limit fails naming the limit", async () => {
    const forkBomb = "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait";
    const { reason, last } = await buildWith({ processes: 50 }, forkBomb);
    expect(reason).toBe("build exceeded its process limit of 50 processes and threads");
    expect(last).toBe(`✗ ${reason}`);
  });

  it("a build that fills its work dir past the disk limit fails naming the limit", async () => {
    // Many files, each below the single-file cap: only the work dir's measured size catches them.
    const filler = "i=0; while [ $i -lt 40 ]; do head -c 1000000 /dev/zero > f$i; i=$((i+1)); done; sleep 30";
    const started = performance.now();
    const { reason, last } = await buildWith({ diskMb: 16 }, filler);
    expect(reason).toBe("build exceeded its disk limit of 16 MB (work dir)");
    expect(last).toBe(`✗ ${reason}`);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("one file larger than the disk limit fails naming the limit", async () => {
    const { reason } = await buildWith({ diskMb: 8 }, "head -c 50000000 /dev/zero > big; echo still here; sleep 30");
    expect(reason).toBe("build exceeded its disk limit of 8 MB (work dir)");
  });
});
