import type { DiskEntry, DiskUsage } from "./usage.ts";

export interface DiskLimits {
  /** All projects' build caches together; the least recently used project's go first. */
  buildCacheMb: number;
  /** Folders of finished builds (their child logs); the oldest go first. */
  buildScratchMb: number;
}

export interface SweepItem {
  kind: "buildCache" | "buildScratch";
  path: string;
  bytes: number;
  /** The project a build cache belongs to; null for build scratch. */
  project: string | null;
}

export interface SweepPlan {
  items: SweepItem[];
  bytes: number;
  /** Why something over its limit stays (a build in progress uses the caches). */
  notes: string[];
}

const MB = 1024 * 1024;
/** A finished build's result waits for the pipeline's next step: its folder stays this long at least. */
export const FINISHED_BUILD_MIN_AGE_MS = 10 * 60_000;

/** What the next sweep removes to bring each kind under its limit, oldest first. */
export function planSweep(usage: DiskUsage, limits: DiskLimits, now = Date.now()): SweepPlan {
  const items: SweepItem[] = [];
  const notes: string[] = [];
  const cacheBytes = usage.buildCaches.reduce((sum, entry) => sum + entry.bytes, 0);
  if (cacheBytes > limits.buildCacheMb * MB) {
    if (usage.buildRunning) notes.push("build caches are over their limit, but a build is using them: next sweep");
    else
      for (const entry of oldestUntil(usage.buildCaches, cacheBytes - limits.buildCacheMb * MB))
        items.push({ kind: "buildCache", path: entry.path, bytes: entry.bytes, project: entry.project });
  }
  const scratchBytes = usage.finishedBuilds.reduce((sum, entry) => sum + entry.bytes, 0);
  const settled = usage.finishedBuilds.filter((entry) => now - entry.mtimeMs >= FINISHED_BUILD_MIN_AGE_MS);
  if (scratchBytes > limits.buildScratchMb * MB)
    for (const entry of oldestUntil(settled, scratchBytes - limits.buildScratchMb * MB))
      items.push({ kind: "buildScratch", path: entry.path, bytes: entry.bytes, project: null });
  return { items, bytes: items.reduce((sum, item) => sum + item.bytes, 0), notes };
}

function oldestUntil<T extends DiskEntry>(entries: readonly T[], excess: number): T[] {
  const chosen: T[] = [];
  let freed = 0;
  for (const entry of [...entries].sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (freed >= excess) break;
    chosen.push(entry);
    freed += entry.bytes;
  }
  return chosen;
}
