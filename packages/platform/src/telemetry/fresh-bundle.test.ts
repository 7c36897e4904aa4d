import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isBundleFresh } from "./fresh-bundle.ts";

let dir: string;
let base: URL;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "slipway-fresh-bundle-"));
  base = pathToFileURL(`${dir}/pkg/`);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);

async function file(relative: string, content: string, time: Date) {
  const full = path.join(dir, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, content);
  await utimes(full, time, time);
}

describe("isBundleFresh", () => {
  it("uses the bundle while it is newer than every source, not after one is edited or removed", async () => {
    await file("src/a.ts", "a", at(0));
    await file("pkg/src/b.ts", "b", at(0));
    await file("pkg/dist/x.mjs", "bundle", at(10));
    await file("pkg/dist/inputs.json", JSON.stringify(["../src/a.ts", "src/b.ts"]), at(10));
    const check = () => isBundleFresh(new URL("dist/x.mjs", base), new URL("dist/inputs.json", base), base);
    expect(check()).toBe(true);
    await file("src/a.ts", "a2", at(20));
    expect(check()).toBe(false);
    await file("src/a.ts", "a2", at(0));
    expect(check()).toBe(true);
    await rm(path.join(dir, "pkg/src/b.ts"));
    expect(check()).toBe(false);
  });

  it("is false when nothing was built or the inputs list is not a list of paths", async () => {
    const check = () => isBundleFresh(new URL("dist/x.mjs", base), new URL("dist/inputs.json", base), base);
    expect(check()).toBe(false);
    await file("pkg/dist/x.mjs", "bundle", at(10));
    expect(check()).toBe(false);
    await file("pkg/dist/inputs.json", JSON.stringify({ not: "a list" }), at(10));
    expect(check()).toBe(false);
    await file("pkg/dist/inputs.json", JSON.stringify([42]), at(10));
    expect(check()).toBe(false);
  });
});
