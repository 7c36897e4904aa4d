import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { patchCache } from "./patch-cache.ts";

const key = (char: string) => char.repeat(64);

/** A project cache holding entries a, b and what a build wrote: `used` plus new entries. */
async function afterBuild(newEntries: Record<string, string>, used: string[]) {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-patch-cache-"));
  const work = path.join(root, "work");
  const cache = patchCache(path.join(root, "project"), work);
  await cache.prepare();
  writeFileSync(path.join(cache.dir, key("a")), "kept");
  writeFileSync(path.join(cache.dir, key("b")), "unused");
  mkdirSync(cache.newEntries, { recursive: true });
  for (const [name, text] of Object.entries(newEntries)) writeFileSync(path.join(cache.newEntries, name), text);
  writeFileSync(path.join(cache.newEntries, "used.json"), JSON.stringify(used));
  return { root, cache };
}

describe("OpenNext's code patch cache (host side)", () => {
  it("keeps the entries the build used and the ones it made, and drops the rest", async () => {
    const { cache } = await afterBuild({ [key("c")]: "new" }, [key("a"), "../../escape"]);
    expect(await cache.save()).toBe(true);
    expect(readdirSync(cache.dir).sort()).toEqual([key("a"), key("c")]);
    expect(readFileSync(path.join(cache.dir, key("c")), "utf8")).toBe("new");
  });

  it("saves nothing when OpenNext made no entries folder (a failed packaging)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-patch-cache-"));
    const cache = patchCache(path.join(root, "project"), path.join(root, "work"));
    await cache.prepare();
    expect(await cache.save()).toBe(false);
  });

  it("refuses entries a build could point elsewhere: links, hard links, other names", async () => {
    const planted = await afterBuild({}, []);
    symlinkSync("/etc/passwd", path.join(planted.cache.newEntries, key("d")));
    await expect(planted.cache.save()).rejects.toThrow(/not a cacheable file/);

    const hardLinked = await afterBuild({}, []);
    writeFileSync(path.join(hardLinked.root, "work", "elsewhere"), "x");
    linkSync(path.join(hardLinked.root, "work", "elsewhere"), path.join(hardLinked.cache.newEntries, key("e")));
    await expect(hardLinked.cache.save()).rejects.toThrow(/not a cacheable file/);

    const named = await afterBuild({ "next-server.js": "x" }, []);
    await expect(named.cache.save()).rejects.toThrow(/unexpected file next-server\.js/);
    // A refused save leaves the cache as it was.
    expect(readdirSync(named.cache.dir).sort()).toEqual([key("a"), key("b")]);
  });
});
