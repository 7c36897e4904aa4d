import { mkdir, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalBuilder } from "./local-builder.ts";

describe("sweepWorkDir", () => {
  it("removes build folders a killed process left behind", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "slipway-sweep-"));
    const workDir = path.join(root, "builds");
    await mkdir(path.join(workDir, "abc-123", "repo", "node_modules"), { recursive: true });
    await mkdir(path.join(workDir, "def-456"), { recursive: true });
    const builder = createLocalBuilder({
      blobStore: {} as never, // never reached: no build runs
      cacheDir: path.join(root, "cache"),
      workDir,
      openNextConfigPath: "open-next.config.ts",
    });
    await builder.sweepWorkDir();
    expect(await readdir(workDir)).toEqual([]);
    await builder.sweepWorkDir(); // idempotent, also when nothing is left
  });
});
