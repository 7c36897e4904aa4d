import { execFileSync } from "node:child_process";
import { linkSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readBuildFile, readInside, writeFresh } from "./safe-fs.ts";

function box() {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-safe-fs-"));
  const outside = path.join(dir, "outside.txt");
  writeFileSync(outside, "platform secret");
  const out = path.join(dir, "out");
  execFileSync("mkdir", [out]);
  return { dir, out, outside };
}

describe("readBuildFile", () => {
  it("reads a regular file, and refuses a link, a FIFO and an oversized file by name", async () => {
    const { out, outside } = box();
    writeFileSync(path.join(out, "BUILD_ID"), "abc\n");
    expect((await readBuildFile(path.join(out, "BUILD_ID"), 100, "BUILD_ID")).toString()).toBe("abc\n");

    symlinkSync(outside, path.join(out, "link"));
    await expect(readBuildFile(path.join(out, "link"), 100, "build output link")).rejects.toThrow(
      "build output link is a symlink",
    );
    execFileSync("mkfifo", [path.join(out, "fifo")]);
    await expect(readBuildFile(path.join(out, "fifo"), 100, "fifo")).rejects.toThrow("fifo is not a regular file");
    await expect(readBuildFile(outside, 3, "big")).rejects.toThrow("big is larger than 3 bytes");
  });
});

describe("readInside", () => {
  it("follows links that resolve inside the root only", async () => {
    const { dir, out, outside } = box();
    writeFileSync(path.join(out, "package.json"), '{"version":"1.0.0"}');
    symlinkSync("package.json", path.join(out, "alias.json"));
    symlinkSync(outside, path.join(out, "leak.json"));
    expect((await readInside(out, path.join(out, "alias.json"), 100))?.toString()).toContain("1.0.0");
    expect(await readInside(out, path.join(out, "leak.json"), 100)).toBeNull();
    expect(await readInside(dir, path.join(out, "missing.json"), 100)).toBeNull();
  });
});

describe("writeFresh", () => {
  it("replaces a planted link or hard link instead of writing through it", async () => {
    const { out, outside } = box();
    symlinkSync(outside, path.join(out, "app.js.gz"));
    await writeFresh(path.join(out, "app.js.gz"), "compressed");
    const hard = path.join(out, "app.js.br");
    linkSync(outside, hard);
    await writeFresh(hard, "compressed");

    expect(readFileSync(outside, "utf8")).toBe("platform secret");
    expect(readFileSync(path.join(out, "app.js.gz"), "utf8")).toBe("compressed");
    expect(statSync(hard).nlink).toBe(1);
  });

  it("fails the build, naming the file, when a folder stands where the file goes", async () => {
    const { out } = box();
    execFileSync("mkdir", [path.join(out, "slipway-manifest.json")]);
    await expect(writeFresh(path.join(out, "slipway-manifest.json"), "{}", "slipway-manifest.json")).rejects.toThrow(
      /could not write slipway-manifest.json in the build output/,
    );
  });
});
