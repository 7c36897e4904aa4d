import { resolve } from "node:path";
import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";
import { formatBytes } from "./admin-cache-clear.ts";

const KIND_LABELS: Record<string, string> = {
  database: "database",
  telemetry: "logs and metrics (telemetry.db)",
  artifacts: "build artifacts",
  deployments: "unpacked deployments",
  deploymentCaches: "deployment caches (ISR)",
  buildCache: "build caches",
  buildScratch: "build scratch",
  toolchain: "toolchain (Node, sharp)",
  other: "other",
};

export const adminStatus = defineCommand({
  path: ["admin", "status"],
  summary: "Disk used by the data dir, per kind and per project, and what the next sweep will free",
  usage: "slipway admin status [--data-dir .slipway] [--json]",
  maxPositionals: 0,
  options: { "data-dir": { type: "string" } },
  async run(ctx, { values }) {
    // Reads the data dir, not the API: it answers whether or not the platform runs.
    const { parsePlatformConfig, diskStatus, runningPid } = await loadPlatform();
    const config = parsePlatformConfig({ dataDir: values["data-dir"] }, ctx.env);
    const dataDir = resolve(config.dataDir);
    const status = await diskStatus(dataDir, config);
    const pid = runningPid(dataDir);
    if (ctx.json) {
      ctx.printJson({ dataDir, running: pid !== null, pid, ...status });
      return 0;
    }
    const { usage, nextSweep, limits } = status;
    const lines = [
      `${dataDir}: ${pid === null ? "not running" : `running (pid ${pid})`}, ${formatBytes(usage.total)} on disk`,
      ...Object.entries(usage.kinds).map(
        ([kind, bytes]) => `  ${(KIND_LABELS[kind] ?? kind).padEnd(32)} ${formatBytes(bytes)}`,
      ),
      "Per project:",
      ...(usage.projects.length === 0 ? ["  (none)"] : []),
      ...usage.projects.map(
        (p) =>
          `  ${p.name.padEnd(24)} ${formatBytes(p.total).padStart(10)}  (build cache ${formatBytes(p.buildCache)}, deployments ${formatBytes(p.deployments)}, caches ${formatBytes(p.deploymentCaches)}, artifacts ${formatBytes(p.artifacts)})`,
      ),
      `Limits: build caches ${limits.buildCacheMb} MB, build scratch ${limits.buildScratchMb} MB (SLIPWAY_BUILD_CACHE_MAX_MB, SLIPWAY_BUILD_SCRATCH_MAX_MB)`,
      nextSweep.items.length === 0
        ? "Next sweep frees nothing: everything is within its limit."
        : `Next sweep frees ${formatBytes(nextSweep.bytes)}:`,
      ...nextSweep.items.map(
        (item) =>
          `  ${item.kind === "buildCache" ? `build cache of ${item.project}` : `build folder ${item.path}`} (${formatBytes(item.bytes)})`,
      ),
      ...nextSweep.notes.map((note) => `  note: ${note}`),
    ];
    ctx.print(lines.join("\n"));
    return 0;
  },
});
