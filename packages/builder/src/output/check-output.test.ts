import { mkdirSync, mkdtempSync, realpathSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BuildFailure } from "../failure.ts";
import { createBuildLog } from "../log/build-log.ts";
import { checkBuildOutput } from "./check-output.ts";

function app() {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-check-output-")));
  const appDir = path.join(dir, "repo");
  mkdirSync(path.join(appDir, ".open-next", "assets"), { recursive: true });
  writeFileSync(path.join(appDir, ".open-next", "assets", "BUILD_ID"), "b1");
  const lines: string[] = [];
  const log = createBuildLog({ onLog: (line) => lines.push(line.text), mask: (text) => text, limitBytes: 1e6 });
  return { dir, appDir, root: path.join(appDir, ".open-next"), log, lines };
}

describe("checkBuildOutput", () => {
  it("passes a clean output", async () => {
    const { appDir, root, log } = app();
    await expect(checkBuildOutput(log, appDir, root)).resolves.toBeUndefined();
  });

  it("fails naming the first offending path and logs the others", async () => {
    const { appDir, root, log, lines } = app();
    symlinkSync("../../../admin-token", path.join(root, "assets", "a.js"));
    symlinkSync("/etc/passwd", path.join(root, "open-next.output.json"));
    const failure = await checkBuildOutput(log, appDir, root).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildFailure);
    expect((failure as Error).message).toBe(
      "build output contains a symlink .open-next/assets/a.js -> ../../../admin-token; links are not allowed in build output",
    );
    expect(lines.join("\n")).toContain("also: build output contains a symlink .open-next/open-next.output.json");
  });

  it("fails when the build swapped its output folder or checkout for a link", async () => {
    const { dir, appDir, root, log } = app();
    renameSync(root, path.join(dir, "elsewhere"));
    symlinkSync(path.join(dir, "elsewhere"), root);
    await expect(checkBuildOutput(log, appDir, root)).rejects.toThrow(
      "build output folder .open-next is reached through a symlink",
    );
  });
});
