import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type DiskLimits, planSweep, type SweepPlan } from "./sweep-plan.ts";
import { measureDisk } from "./usage.ts";

/** Measures the data dir, plans, and removes what the plan names; a build starting meanwhile stops it. */
export async function sweepDisk(dataDir: string, limits: DiskLimits): Promise<SweepPlan & { freed: number }> {
  const plan = planSweep(await measureDisk(dataDir), limits);
  let freed = 0;
  for (const item of plan.items) {
    if (item.kind === "buildCache" && (await buildRunning(dataDir))) break;
    await rm(item.path, { recursive: true, force: true });
    freed += item.bytes;
  }
  return { ...plan, freed };
}

async function buildRunning(dataDir: string): Promise<boolean> {
  const builds = join(dataDir, "builds");
  for (const name of await readdir(builds).catch(() => [])) {
    if (!(await lstat(join(builds, name))).isDirectory()) continue;
    if ((await lstat(join(builds, name, "result.json")).catch(() => null)) === null) return true;
  }
  return false;
}

/** Sweeps at start and every `intervalMs`, in the platform's process; never two at once. */
export function startDiskSweeper(options: {
  dataDir: string;
  limits: DiskLimits;
  intervalMs: number;
  log(line: string): void;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    running = sweepDisk(options.dataDir, options.limits)
      .then(
        (result) => {
          if (result.freed > 0)
            options.log(`disk sweep: removed ${result.items.length} item(s), ${Math.round(result.freed / 1048576)} MB`);
          for (const note of result.notes) options.log(`disk sweep: ${note}`);
        },
        (error: unknown) => options.log(`disk sweep failed: ${(error as Error).message}`),
      )
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(run, options.intervalMs).unref();
      });
  };
  timer = setTimeout(run, 0).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** `slipway admin status`: what the data dir holds and what the next sweep would remove. */
export async function diskStatus(dataDir: string, config: { buildCacheMaxMb: number; buildScratchMaxMb: number }) {
  const limits = { buildCacheMb: config.buildCacheMaxMb, buildScratchMb: config.buildScratchMaxMb };
  const usage = await measureDisk(dataDir);
  const { buildCaches: _caches, finishedBuilds: _builds, ...summary } = usage;
  return { usage: summary, limits, nextSweep: planSweep(usage, limits) };
}
