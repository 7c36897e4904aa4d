import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
  it("keys on the lockfile contents, the install command and the Node release", () => {
    const base = { lockfile: Buffer.from("{}"), command: "npm ci", installDir: "", nodeVersion: "22.23.5" };
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, lockfile: Buffer.from("{ }") }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, command: "npm ci --omit=dev" }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, nodeVersion: "24.22.3" }));
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

  it("keeps npm's relative links, and refuses a tree that links outside the checkout or holds a FIFO", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-nm-"));
    const checkout = path.join(root, "repo");
    const tree = installedTree(checkout);
    mkdirSync(path.join(tree, ".bin"));
    symlinkSync("../left-pad/index.js", path.join(tree, ".bin", "left-pad"));
    const cache = nodeModulesCache(path.join(root, "cache"), "k1");
    await cache.save(tree, checkout);
    expect(await cache.restore(path.join(root, "build2-node_modules"))).toBe(true);

    symlinkSync(root, path.join(tree, "escape"));
    await expect(nodeModulesCache(path.join(root, "cache2"), "k1").save(tree, checkout)).rejects.toThrow(
      /escape -> .*absolute links are not allowed/,
    );
    rmSync(path.join(tree, "escape"));
    execFileSync("mkfifo", [path.join(tree, "pipe")]);
    await expect(nodeModulesCache(path.join(root, "cache3"), "k1").save(tree, checkout)).rejects.toThrow(/FIFO/);
    // A node_modules that is itself a link to a host folder is not copied into the cache.
    const linked = path.join(root, "repo2");
    mkdirSync(linked);
    symlinkSync(tree, path.join(linked, "node_modules"));
    await expect(
      nodeModulesCache(path.join(root, "cache4"), "k1").save(path.join(linked, "node_modules"), linked),
    ).rejects.toThrow(/not a plain folder/);
    expect(existsSync(path.join(root, "cache4", "node_modules", "k1"))).toBe(false);
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
