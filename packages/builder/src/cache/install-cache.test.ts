import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheKey, installCache } from "./install-cache.ts";
import { findInstallOutput, snapshotTree } from "./install-output.ts";

/** A workspace checkout: what git gave the build. */
function checkout(root: string): string {
  const repo = path.join(root, "repo");
  mkdirSync(path.join(repo, "apps", "web"), { recursive: true });
  mkdirSync(path.join(repo, "packages", "ui"), { recursive: true });
  writeFileSync(path.join(repo, "package.json"), "{}");
  writeFileSync(path.join(repo, "apps", "web", "package.json"), "{}");
  writeFileSync(path.join(repo, "packages", "ui", "index.js"), "export default 1;\n");
  return repo;
}

/** What a workspace install adds: a root node_modules, the app's own (pnpm), a postinstall's output. */
function install(repo: string): void {
  mkdirSync(path.join(repo, "node_modules", "left-pad"), { recursive: true });
  writeFileSync(path.join(repo, "node_modules", "left-pad", "index.js"), "module.exports = 'original';\n");
  mkdirSync(path.join(repo, "apps", "web", "node_modules", "@repo"), { recursive: true });
  symlinkSync("../../../../packages/ui", path.join(repo, "apps", "web", "node_modules", "@repo", "ui"));
  mkdirSync(path.join(repo, "packages", "ui", "dist"));
  writeFileSync(path.join(repo, "packages", "ui", "dist", "index.js"), "built");
}

async function installed(root: string) {
  const repo = checkout(root);
  const before = await snapshotTree(repo);
  install(repo);
  return { repo, output: await findInstallOutput(repo, before) };
}

describe("install cache", () => {
  it("keys on the lockfile contents, the install command and the package manager", () => {
    const base = {
      lockfile: Buffer.from("{}"),
      command: "npm ci",
      installDir: "",
      manager: "npm@platform",
      nodeVersion: "22.23.5",
    };
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, lockfile: Buffer.from("{ }") }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, command: "npm ci --omit=dev" }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, manager: "pnpm@9.15.9" }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, nodeVersion: "24.22.3" }));
  });

  it("finds every folder and file the install added, and the files it changed", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const { repo, output } = await installed(root);
    expect(output).toEqual({
      produced: ["apps/web/node_modules", "node_modules", "packages/ui/dist"],
      changed: [],
    });
    const before = await snapshotTree(repo);
    writeFileSync(path.join(repo, "package.json"), '{"rewritten":true}');
    expect((await findInstallOutput(repo, before)).changed).toEqual(["package.json"]);
  });

  it("misses, saves, then restores everything the install produced into a fresh checkout", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const cache = installCache(path.join(root, "cache"), "k1");
    const fresh = checkout(path.join(root, "build2"));
    expect(await cache.restore(fresh)).toBe(false);

    const { repo, output } = await installed(path.join(root, "build1"));
    await cache.save(repo, output);
    expect(await cache.restore(fresh)).toBe(true);
    expect(readFileSync(path.join(fresh, "node_modules", "left-pad", "index.js"), "utf8")).toContain("original");
    // The workspace app's own node_modules (where pnpm links `next`) and the postinstall output too.
    expect(readFileSync(path.join(fresh, "apps", "web", "node_modules", "@repo", "ui", "index.js"), "utf8")).toBe(
      "export default 1;\n",
    );
    expect(readFileSync(path.join(fresh, "packages", "ui", "dist", "index.js"), "utf8")).toBe("built");
    expect(await cache.verify()).toBe(false);
  });

  it("restores nowhere a checkout links out of, nor over a path the commit already has", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const cache = installCache(path.join(root, "cache"), "k1");
    const { repo, output } = await installed(path.join(root, "build1"));
    await cache.save(repo, output);

    const linked = checkout(path.join(root, "build2"));
    const outside = path.join(root, "outside");
    mkdirSync(outside);
    rmSync(path.join(linked, "apps", "web"), { recursive: true });
    symlinkSync(outside, path.join(linked, "apps", "web"));
    expect(await cache.restore(linked)).toBe(false);
    expect(existsSync(path.join(outside, "node_modules"))).toBe(false);

    const tracked = checkout(path.join(root, "build3"));
    mkdirSync(path.join(tracked, "node_modules"));
    expect(await cache.restore(tracked)).toBe(false);
  });

  it("is not hurt by a build that deletes or replaces files (new inodes)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const cache = installCache(path.join(root, "cache"), "k1");
    const { repo, output } = await installed(path.join(root, "build1"));
    await cache.save(repo, output);
    const target = checkout(path.join(root, "build2"));
    await cache.restore(target);
    rmSync(path.join(target, "node_modules", "left-pad", "index.js"));
    writeFileSync(path.join(target, "node_modules", "left-pad", "index.js"), "patched");

    const again = checkout(path.join(root, "build3"));
    expect(await cache.restore(again)).toBe(true);
    expect(readFileSync(path.join(again, "node_modules", "left-pad", "index.js"), "utf8")).toContain("original");
  });

  it("evicts an entry that a build rewrote in place, so the next build installs afresh", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const cache = installCache(path.join(root, "cache"), "k1");
    const { repo, output } = await installed(path.join(root, "build1"));
    await cache.save(repo, output);
    const target = checkout(path.join(root, "build2"));
    await cache.restore(target);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Same inode: writeFileSync truncates and rewrites the shared file.
    writeFileSync(path.join(target, "node_modules", "left-pad", "index.js"), "patched in place");

    expect(await cache.verify()).toBe(true);
    expect(await cache.restore(checkout(path.join(root, "build3")))).toBe(false);
  });

  it("refuses output that links outside the checkout, holds a FIFO or is itself a link", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const { repo, output } = await installed(root);
    const nodeModules = path.join(repo, "node_modules");
    symlinkSync(root, path.join(nodeModules, "escape"));
    await expect(installCache(path.join(root, "cache2"), "k1").save(repo, output)).rejects.toThrow(
      /escape -> .*absolute links are not allowed/,
    );
    rmSync(path.join(nodeModules, "escape"));
    execFileSync("mkfifo", [path.join(nodeModules, "pipe")]);
    await expect(installCache(path.join(root, "cache3"), "k1").save(repo, output)).rejects.toThrow(/FIFO/);
    rmSync(path.join(nodeModules, "pipe"));
    // A produced path that is itself a link to a host folder is not copied into the cache.
    symlinkSync(root, path.join(repo, "linked"));
    await expect(
      installCache(path.join(root, "cache4"), "k1").save(repo, { ...output, produced: [...output.produced, "linked"] }),
    ).rejects.toThrow(/neither a folder nor a regular file/);
    expect(existsSync(path.join(root, "cache4", "install", "k1"))).toBe(false);
  });

  it("keeps one entry per project and drops the old node_modules-only layout", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-ic-"));
    const projectCache = path.join(root, "cache");
    mkdirSync(path.join(projectCache, "node_modules", "abc"), { recursive: true });
    const a = await installed(path.join(root, "a"));
    await installCache(projectCache, "old").save(a.repo, a.output);
    const b = await installed(path.join(root, "b"));
    await installCache(projectCache, "new").save(b.repo, b.output);
    expect(existsSync(path.join(projectCache, "install", "old"))).toBe(false);
    expect(existsSync(path.join(projectCache, "install", "new", "seal.json"))).toBe(true);
    expect(existsSync(path.join(projectCache, "node_modules"))).toBe(false);
  });
});
