import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileCache } from "./compile-cache.ts";

function build(root: string, name: string) {
  const work = path.join(root, name);
  mkdirSync(work);
  return compileCache(path.join(root, "project"), work);
}

describe("the build tools' compile cache", () => {
  it("starts empty, is kept after a build and handed to the next one", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-compile-cache-"));
    const first = build(root, "one");
    expect(await first.restore()).toBe(false);
    expect(existsSync(first.live)).toBe(true);
    mkdirSync(path.join(first.live, "v22"));
    writeFileSync(path.join(first.live, "v22", "entry"), "code");
    expect(await first.save()).toBe(true);
    const second = build(root, "two");
    expect(await second.restore()).toBe(true);
    expect(readFileSync(path.join(second.live, "v22", "entry"), "utf8")).toBe("code");
  });

  it("is not kept when the build left a link in it", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-compile-cache-"));
    const first = build(root, "one");
    await first.restore();
    symlinkSync("/etc", path.join(first.live, "leak"));
    await expect(first.save()).rejects.toThrow(/links are not allowed/);
    expect(await build(root, "two").restore()).toBe(false);
  });
});
