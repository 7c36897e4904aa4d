import {
  addPoint,
  type CompactionResult,
  type DroppedCounts,
  type ErrorEvent,
  groupErrors,
  type MetricPoint,
  NO_DROPS,
  requestEntriesOf,
  rollUp,
  type TelemetryEntry,
  type TelemetryStore,
} from "@slipway/core";

/** Telemetry in memory, for tests: the same contract as the SQLite file. */
export function createMemoryTelemetryStore(): TelemetryStore {
  let seq = 0;
  let entries: TelemetryEntry[] = [];
  let errors: ErrorEvent[] = [];
  let points = new Map<string, MetricPoint>();
  const drops = new Map<string, DroppedCounts>();
  const keyOf = (p: Pick<MetricPoint, "projectId" | "deploymentId" | "resolution" | "start">) =>
    `${p.projectId}\u0000${p.deploymentId}\u0000${p.resolution}\u0000${p.start}`;
  const add = (point: MetricPoint) => {
    const existing = points.get(keyOf(point));
    points.set(keyOf(point), existing ? addPoint(existing, point) : { ...point, latency: { ...point.latency } });
  };
  const count = (projectId: string, kind: keyof DroppedCounts, n: number) => {
    if (n === 0) return;
    const current = drops.get(projectId) ?? NO_DROPS;
    drops.set(projectId, { ...current, [kind]: current[kind] + n });
  };

  return {
    name: "memory",
    async write(batch) {
      for (const entry of batch.entries) entries.push({ ...entry, seq: ++seq } as TelemetryEntry);
      for (const { projectId, rows } of batch.requestRows ?? []) {
        entries.push(...requestEntriesOf(projectId, seq + 1, rows));
        seq += rows.count;
      }
      errors.push(...batch.errors);
      for (const metric of batch.metrics) add({ ...metric, resolution: "minute" });
    },
    async entries(query) {
      const matching = entries.filter(
        (e) =>
          e.projectId === query.projectId &&
          (query.deploymentId === undefined || e.deploymentId === query.deploymentId) &&
          (query.afterSeq === undefined || e.seq > query.afterSeq) &&
          (query.sinceAt === undefined || e.at >= query.sinceAt) &&
          (query.kind === undefined || e.kind === query.kind) &&
          (query.status === undefined ||
            (e.kind === "request" && e.status >= query.status.min && e.status <= query.status.max)),
      );
      return query.afterSeq === undefined ? matching.slice(-query.limit) : matching.slice(0, query.limit);
    },
    async errorGroups(projectId, sinceAt) {
      return groupErrors(errors.filter((e) => e.projectId === projectId && e.at >= sinceAt));
    },
    async metrics(projectId, from, to, deploymentId) {
      return [...points.values()]
        .filter(
          (p) =>
            p.projectId === projectId &&
            p.start >= from &&
            p.start < to &&
            (deploymentId === undefined || p.deploymentId === deploymentId),
        )
        .sort((a, b) => a.start - b.start || (a.deploymentId < b.deploymentId ? -1 : 1));
    },
    async compact(policy, now): Promise<CompactionResult> {
      let rolledUp = 0;
      const dropped = { ...NO_DROPS };
      for (const [from, to, maxAge] of [
        ["minute", "hour", policy.minuteMaxAgeMs],
        ["hour", "day", policy.hourMaxAgeMs],
      ] as const) {
        const old = [...points.values()].filter((p) => p.resolution === from && p.start < now - maxAge);
        for (const p of old) points.delete(keyOf(p));
        for (const p of rollUp(old, to)) add(p);
        rolledUp += old.length;
      }
      const expiredDays = [...points.values()].filter(
        (p) => p.resolution === "day" && p.start < now - policy.dayMaxAgeMs,
      );
      for (const p of expiredDays) {
        points.delete(keyOf(p));
        count(p.projectId, "metricDays", 1);
        dropped.metricDays += 1;
      }
      const logCutoff = new Date(now - policy.logsMaxAgeMs).toISOString();
      const keepNewest = <T extends { projectId: string; at: string }>(
        rows: T[],
        cap: number,
        kind: keyof DroppedCounts,
      ) => {
        const perProject = new Map<string, number>();
        const kept: T[] = [];
        for (let i = rows.length - 1; i >= 0; i--) {
          const row = rows[i] as T;
          const n = perProject.get(row.projectId) ?? 0;
          if (row.at < logCutoff || n >= cap) {
            count(row.projectId, kind, 1);
            dropped[kind] += 1;
          } else {
            perProject.set(row.projectId, n + 1);
            kept.push(row);
          }
        }
        return kept.reverse();
      };
      entries = keepNewest(entries, policy.maxEntriesPerProject, "entries");
      errors = keepNewest(errors, policy.maxErrorsPerProject, "errors");
      return { rolledUp, dropped };
    },
    async dropped(projectId) {
      return drops.get(projectId) ?? NO_DROPS;
    },
    async deleteProject(projectId) {
      entries = entries.filter((e) => e.projectId !== projectId);
      errors = errors.filter((e) => e.projectId !== projectId);
      points = new Map([...points].filter(([, p]) => p.projectId !== projectId));
      drops.delete(projectId);
    },
    async close() {},
  };
}
