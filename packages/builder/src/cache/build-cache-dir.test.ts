import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runBuildCacheContract } from "@slipway/core/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createBuildCacheDir } from "./build-cache-dir.ts";
import { projectCacheDir } from "./project-cache-dir.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function cacheWith(projects: Record<string, Record<string, number>>) {
  const root = await mkdtemp(path.join(tmpdir(), "slipway-build-cache-"));
  dirs.push(root);
  for (const [projectId, files] of Object.entries(projects)) {
    for (const [rel, bytes] of Object.entries(files)) {
      const file = path.join(projectCacheDir(root, projectId), rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.alloc(bytes));
    }
  }
  return root;
}

const roots = new WeakMap<object, string>();
runBuildCacheContract({
  name: "local",
  create: async () => {
    const root = await cacheWith({});
    const cache = createBuildCacheDir(root);
    roots.set(cache, root);
    return cache;
  },
  fill: async (cache, projectId, bytes) => {
    const file = path.join(projectCacheDir(roots.get(cache) ?? "", projectId), "node_modules", "blob");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Buffer.alloc(bytes));
  },
});

describe("the local build cache", () => {
  it("clears one project's caches, reports the bytes and leaves the others", async () => {
    const root = await cacheWith({
      prj_a: { "node_modules/next/index.js": 1000, "next-cache/fetch/x": 500, "pm/_cacache/y": 250 },
      prj_b: { "node_modules/react/index.js": 4000 },
    });
    const cache = createBuildCacheDir(root);
    expect(await cache.clear("prj_a")).toEqual({ bytesFreed: 1750 });
    expect(await readdir(root)).toEqual(["prj_b"]);
    expect(await cache.clear("prj_a")).toEqual({ bytesFreed: 0 });
  });

  it("clears every project's caches", async () => {
    const root = await cacheWith({ prj_a: { a: 10 }, prj_b: { b: 20 } });
    expect(await createBuildCacheDir(root).clear(null)).toEqual({ bytesFreed: 30 });
    expect(await readdir(root)).toEqual([]);
  });

  it("counts a link as itself and never removes or measures what it points to", async () => {
    const outside = await cacheWith({ other: { "keep.bin": 9999 } });
    const root = await cacheWith({ prj_a: { "node_modules/x": 5 } });
    const target = path.join(projectCacheDir(outside, "other"), "keep.bin");
    await symlink(path.dirname(target), path.join(projectCacheDir(root, "prj_a"), "escape"));
    const { bytesFreed } = await createBuildCacheDir(root).clear("prj_a");
    expect(bytesFreed).toBeLessThan(1000);
    expect(await readdir(path.dirname(target))).toEqual(["keep.bin"]);
  });

  it("frees nothing when the cache dir does not exist yet", async () => {
    expect(await createBuildCacheDir("/nonexistent/slipway-cache").clear(null)).toEqual({ bytesFreed: 0 });
  });
});
