import { describe, expect, it } from "vitest";
import { planSweep } from "./sweep-plan.ts";
import type { DiskUsage } from "./usage.ts";

const MB = 1024 * 1024;
const usage = (overrides: Partial<DiskUsage>): DiskUsage => ({
  total: 0,
  kinds: {} as DiskUsage["kinds"],
  projects: [],
  buildCaches: [],
  finishedBuilds: [],
  buildRunning: false,
  ...overrides,
});

describe("disk sweep plan", () => {
  const caches = [
    { project: "new", path: "/d/build-cache/prj_new", bytes: 300 * MB, mtimeMs: 3 },
    { project: "old", path: "/d/build-cache/prj_old", bytes: 200 * MB, mtimeMs: 1 },
    { project: "mid", path: "/d/build-cache/prj_mid", bytes: 100 * MB, mtimeMs: 2 },
  ];

  it("removes the least recently used build caches until the rest fits", () => {
    const plan = planSweep(usage({ buildCaches: caches }), { buildCacheMb: 350, buildScratchMb: 1000 });
    expect(plan.items.map((item) => item.project)).toEqual(["old", "mid"]);
    expect(plan.bytes).toBe(300 * MB);
    expect(planSweep(usage({ buildCaches: caches }), { buildCacheMb: 600, buildScratchMb: 1000 }).items).toEqual([]);
  });

  it("keeps build caches while a build runs, and says so", () => {
    const plan = planSweep(usage({ buildCaches: caches, buildRunning: true }), { buildCacheMb: 1, buildScratchMb: 1 });
    expect(plan.items).toEqual([]);
    expect(plan.notes[0]).toMatch(/a build is using them/);
  });

  it("removes the oldest finished builds' folders over their limit, never one whose result is fresh", () => {
    const now = 100 * 60_000;
    const finishedBuilds = [
      { path: "/d/builds/b3", bytes: 2 * MB, mtimeMs: now - 60_000 },
      { path: "/d/builds/b2", bytes: 2 * MB, mtimeMs: 20 },
      { path: "/d/builds/b1", bytes: 2 * MB, mtimeMs: 10 },
    ];
    const limits = { buildCacheMb: 1, buildScratchMb: 5 };
    expect(planSweep(usage({ finishedBuilds }), limits, now).items).toEqual([
      { kind: "buildScratch", path: "/d/builds/b1", bytes: 2 * MB, project: null },
    ]);
    const plan = planSweep(usage({ finishedBuilds }), { ...limits, buildScratchMb: 0 }, now);
    expect(plan.items.map((item) => item.path)).toEqual(["/d/builds/b1", "/d/builds/b2"]);
  });
});
