import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheKey, nodeModulesCache } from "./node-modules-cache.ts";

function installedTree(root: string): string {
  const dir = path.join(root, "node_modules");
  mkdirSync(path.join(dir, "left-pad"), { recursive: true });
  writeFileSync(path.join(dir, "left-pad", "index.js"), "module.exports = 'original';\n");
  return dir;
}

describe("node_modules cache", () => {
  it("keys on the lockfile contents and the install command", () => {
    const base = { lockfile: Buffer.from("{}"), command: "npm ci", installDir: "" };
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, lockfile: Buffer.from("{ }") }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, command: "npm ci --omit=dev" }));
  });

  it("misses, saves, then restores a hardlinked copy", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-nm-"));
    const cache = nodeModulesCache(path.join(root, "cache"), "k1");
    const target = path.join(root, "build2", "node_modules");
    mkdirSync(path.dirname(target));
    expect(await cache.restore(target)).toBe(false);

    await cache.save(installedTree(path.join(root, "build1")), root);
    expect(await cache.restore(target)).toBe(true);
    expect(readFileSync(path.join(target, "left-pad", "index.js"), "utf8")).toContain("original");
    expect(await cache.verify()).toBe(false);
  });

  it("is not hurt by a build that deletes or replaces files (new inodes)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-nm-"));
    const cache = nodeModulesCache(path.join(root, "cache"), "k1");
    await cache.save(installedTree(path.join(root, "build1")), root);
    const target = path.join(root, "build2-node_modules");
    await cache.restore(target);
    rmSync(path.join(target, "left-pad", "index.js"));
    writeFileSync(path.join(target, "left-pad", "index.js"), "patched");

    const again = path.join(root, "build3-node_modules");
    expect(await cache.restore(again)).toBe(true);
    expect(readFileSync(path.join(again, "left-pad", "index.js"), "utf8")).toContain("original");
  });

  it("evicts an entry that a build rewrote in place, so the next build installs afresh", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-nm-"));
    const cache = nodeModulesCache(path.join(root, "cache"), "k1");
    await cache.save(installedTree(path.join(root, "build1")), root);
    const target = path.join(root, "build2-node_modules");
    await cache.restore(target);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Same inode: writeFileSync truncates and rewrites the shared file.
    writeFileSync(path.join(target, "left-pad", "index.js"), "patched in place");

    expect(await cache.verify()).toBe(true);
    expect(await cache.restore(path.join(root, "build3-node_modules"))).toBe(false);
  });

  it("keeps one entry per project", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-nm-"));
    const projectCache = path.join(root, "cache");
    await nodeModulesCache(projectCache, "old").save(installedTree(path.join(root, "a")), root);
    await nodeModulesCache(projectCache, "new").save(installedTree(path.join(root, "b")), root);
    expect(existsSync(path.join(projectCache, "node_modules", "old"))).toBe(false);
    expect(existsSync(path.join(projectCache, "node_modules", "new", "seal.json"))).toBe(true);
  });
});
