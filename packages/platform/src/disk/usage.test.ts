import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sweepDisk } from "./sweeper.ts";
import { measureDisk } from "./usage.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A data dir with two projects' files; the projects' rows in the same tables the store has. */
async function dataDir(files: Record<string, number>) {
  const dir = await mkdtemp(join(tmpdir(), "slipway-disk-"));
  dirs.push(dir);
  const db = new Database(join(dir, "slipway.db"));
  db.exec(
    "CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT); CREATE TABLE deployments (id TEXT, project_id TEXT)",
  );
  db.exec("INSERT INTO projects VALUES ('prj_a', 'shop'), ('prj_b', 'blog')");
  db.exec("INSERT INTO deployments VALUES ('dpl_1', 'prj_a'), ('dpl_2', 'prj_b')");
  db.close();
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), Buffer.alloc(bytes));
  }
  return dir;
}

const MB = 1024 * 1024;

describe("disk usage and sweep", () => {
  it("reports bytes per kind and per project", async () => {
    const dir = await dataDir({
      "blobs/artifacts/dpl_1.tar": 1000,
      "deployments/dpl_1/server/index.mjs": 400,
      "caches/dpl_2/fetch/x": 30,
      "build-cache/prj_a/node_modules/next/index.js": 5000,
      "build-cache/.package-managers/pnpm/x": 70,
      "builds/b1/result.json": 2,
      "toolchain/node/bin/node": 9,
    });
    const usage = await measureDisk(dir);
    expect(usage.kinds).toMatchObject({
      artifacts: 1000,
      deployments: 400,
      deploymentCaches: 30,
      buildCache: 5070,
      buildScratch: 2,
      toolchain: 9,
    });
    expect(usage.kinds.database).toBeGreaterThan(0);
    expect(usage.projects).toEqual([
      { name: "shop", buildCache: 5000, deployments: 400, deploymentCaches: 0, artifacts: 1000, total: 6400 },
      { name: "blog", buildCache: 0, deployments: 0, deploymentCaches: 30, artifacts: 0, total: 30 },
    ]);
    expect(usage.buildRunning).toBe(false);
  });

  it("removes the least recently used build caches over the limit, none while a build runs", async () => {
    const dir = await dataDir({
      "build-cache/prj_a/node_modules/x": 2 * MB,
      "build-cache/prj_b/node_modules/x": 2 * MB,
      "builds/running/pid.json": 10,
    });
    const old = new Date(Date.now() - 86_400_000);
    await utimes(join(dir, "build-cache/prj_b"), old, old);
    await utimes(join(dir, "build-cache/prj_b/node_modules"), old, old);
    const limits = { buildCacheMb: 3, buildScratchMb: 100 };
    expect((await sweepDisk(dir, limits)).freed).toBe(0);

    await rm(join(dir, "builds/running"), { recursive: true });
    const result = await sweepDisk(dir, limits);
    expect(result.freed).toBe(2 * MB);
    expect(await readdir(join(dir, "build-cache"))).toEqual(["prj_a"]);
  });
});
