import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  addPoint,
  type DroppedCounts,
  type ErrorGroup,
  type MetricPoint,
  type MetricResolution,
  NO_DROPS,
  rollUp,
  type TelemetryEntry,
  type TelemetryStore,
} from "@slipway/core";
import Database from "better-sqlite3";
import { migrateTelemetry } from "./schema.ts";

type MetricRow = {
  project_id: string;
  deployment_id: string;
  resolution: MetricResolution;
  start: number;
  requests: number;
  errors: number;
  cold_starts: number;
  gb_seconds: number;
  bytes_out: number;
  invocations: number;
  latency: string;
};

const toPoint = (r: MetricRow): MetricPoint => ({
  projectId: r.project_id,
  deploymentId: r.deployment_id,
  resolution: r.resolution,
  start: r.start,
  requests: r.requests,
  errors: r.errors,
  coldStarts: r.cold_starts,
  gbSeconds: r.gb_seconds,
  bytesOut: r.bytes_out,
  invocations: r.invocations,
  latency: JSON.parse(r.latency) as Record<string, number>,
});

/**
 * Telemetry in its own SQLite file (WAL). Entries keep their fields as JSON beside the columns
 * queries filter on; seqs come from AUTOINCREMENT, so they only grow, even after deletes.
 */
export function createSqliteTelemetryStore(path: string): TelemetryStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // Telemetry may lose its last commit in an OS crash; it must never slow the request path.
  db.pragma("synchronous = NORMAL");
  migrateTelemetry(db);

  const insertEntry = db.prepare(
    "INSERT INTO entries (project_id, deployment_id, at, kind, status, body) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const insertError = db.prepare(
    "INSERT INTO errors (project_id, deployment_id, request_id, at, message, stack) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const getPoint = db.prepare<[string, string, string, number], MetricRow>(
    "SELECT * FROM metrics WHERE project_id = ? AND deployment_id = ? AND resolution = ? AND start = ?",
  );
  const putPoint = db.prepare(
    `INSERT OR REPLACE INTO metrics (project_id, deployment_id, resolution, start, requests, errors, cold_starts,
       gb_seconds, bytes_out, invocations, latency) VALUES (@projectId, @deploymentId, @resolution, @start, @requests,
       @errors, @coldStarts, @gbSeconds, @bytesOut, @invocations, @latency)`,
  );
  const deletePoint = db.prepare(
    "DELETE FROM metrics WHERE project_id = ? AND deployment_id = ? AND resolution = ? AND start = ?",
  );
  const countDrop = db.prepare(
    `INSERT INTO dropped (project_id, entries, errors, metric_days) VALUES (@projectId, @entries, @errors, @metricDays)
     ON CONFLICT (project_id) DO UPDATE SET entries = entries + excluded.entries, errors = errors + excluded.errors,
       metric_days = metric_days + excluded.metric_days`,
  );

  function addToPoint(point: MetricPoint): void {
    const existing = getPoint.get(point.projectId, point.deploymentId, point.resolution, point.start);
    const sum = existing ? addPoint(toPoint(existing), point) : point;
    putPoint.run({ ...sum, latency: JSON.stringify(sum.latency) });
  }

  const write = db.transaction((batch: Parameters<TelemetryStore["write"]>[0]) => {
    for (const e of batch.entries) {
      // The body is the entry without its columns, spelled out: a rest spread per row costs more
      // than the insert's own bookkeeping.
      const body =
        e.kind === "request"
          ? {
              requestId: e.requestId,
              method: e.method,
              path: e.path,
              status: e.status,
              durationMs: e.durationMs,
              bytes: e.bytes,
              coldStart: e.coldStart,
              servedBy: e.servedBy,
              cache: e.cache,
              clientIp: e.clientIp,
            }
          : { requestId: e.requestId, level: e.level, text: e.text };
      insertEntry.run(
        e.projectId,
        e.deploymentId,
        e.at,
        e.kind,
        e.kind === "request" ? e.status : null,
        JSON.stringify(body),
      );
    }
    for (const e of batch.errors) insertError.run(e.projectId, e.deploymentId, e.requestId, e.at, e.message, e.stack);
    for (const m of batch.metrics) addToPoint({ ...m, resolution: "minute" });
  });

  const drop = (projectId: string, counts: Partial<DroppedCounts>) =>
    countDrop.run({ projectId, ...NO_DROPS, ...counts });

  const compact = db.transaction((policy: Parameters<TelemetryStore["compact"]>[0], now: number) => {
    let rolledUp = 0;
    const dropped = { ...NO_DROPS };
    for (const [from, to, maxAge] of [
      ["minute", "hour", policy.minuteMaxAgeMs],
      ["hour", "day", policy.hourMaxAgeMs],
    ] as const) {
      const old = db
        .prepare<[string, number], MetricRow>("SELECT * FROM metrics WHERE resolution = ? AND start < ?")
        .all(from, now - maxAge)
        .map(toPoint);
      for (const p of old) deletePoint.run(p.projectId, p.deploymentId, p.resolution, p.start);
      for (const p of rollUp(old, to)) addToPoint(p);
      rolledUp += old.length;
    }
    const expired = db
      .prepare<[number], { project_id: string; n: number }>(
        "SELECT project_id, count(*) AS n FROM metrics WHERE resolution = 'day' AND start < ? GROUP BY project_id",
      )
      .all(now - policy.dayMaxAgeMs);
    db.prepare("DELETE FROM metrics WHERE resolution = 'day' AND start < ?").run(now - policy.dayMaxAgeMs);
    for (const { project_id, n } of expired) {
      drop(project_id, { metricDays: n });
      dropped.metricDays += n;
    }

    const cutoff = new Date(now - policy.logsMaxAgeMs).toISOString();
    for (const [table, key, cap] of [
      ["entries", "entries", policy.maxEntriesPerProject],
      ["errors", "errors", policy.maxErrorsPerProject],
    ] as const) {
      const id = table === "entries" ? "seq" : "id";
      // Old rows, then each project's rows beyond its cap (the oldest go first).
      const victims = db
        .prepare<[string, number], { project_id: string; n: number }>(
          `SELECT project_id, count(*) AS n FROM ${table} t WHERE at < ? OR ${id} <= (
             SELECT ${id} FROM ${table} WHERE project_id = t.project_id ORDER BY ${id} DESC LIMIT 1 OFFSET ?
           ) GROUP BY project_id`,
        )
        .all(cutoff, cap);
      db.prepare(
        `DELETE FROM ${table} WHERE at < ? OR ${id} <= (
           SELECT ${id} FROM ${table} i WHERE i.project_id = ${table}.project_id ORDER BY ${id} DESC LIMIT 1 OFFSET ?
         )`,
      ).run(cutoff, cap);
      for (const { project_id, n } of victims) {
        drop(project_id, { [key]: n });
        dropped[key] += n;
      }
    }
    return { rolledUp, dropped };
  });

  return {
    name: "sqlite",
    async write(batch) {
      if (batch.entries.length + batch.errors.length + batch.metrics.length > 0) write.immediate(batch);
    },
    async entries(query) {
      const where = ["project_id = @projectId"];
      if (query.deploymentId !== undefined) where.push("deployment_id = @deploymentId");
      if (query.afterSeq !== undefined) where.push("seq > @afterSeq");
      if (query.sinceAt !== undefined) where.push("at >= @sinceAt");
      if (query.kind !== undefined) where.push("kind = @kind");
      if (query.status !== undefined) where.push("status BETWEEN @min AND @max");
      const newest = query.afterSeq === undefined;
      const rows = db
        .prepare<
          Record<string, unknown>,
          { seq: number; project_id: string; deployment_id: string; at: string; kind: string; body: string }
        >(
          `SELECT seq, project_id, deployment_id, at, kind, body FROM entries WHERE ${where.join(" AND ")}
           ORDER BY seq ${newest ? "DESC" : "ASC"} LIMIT @limit`,
        )
        .all({ ...query, min: query.status?.min, max: query.status?.max });
      if (newest) rows.reverse();
      return rows.map(
        (r) =>
          ({
            kind: r.kind,
            seq: r.seq,
            at: r.at,
            projectId: r.project_id,
            deploymentId: r.deployment_id,
            ...JSON.parse(r.body),
          }) as TelemetryEntry,
      );
    },
    async errorGroups(projectId, sinceAt) {
      const rows = db
        .prepare<[string, string], { message: string; count: number; firstAt: string; lastAt: string; lastId: number }>(
          `SELECT message, count(*) AS count, min(at) AS firstAt, max(at) AS lastAt, max(id) AS lastId
           FROM errors WHERE project_id = ? AND at >= ? GROUP BY message ORDER BY lastAt DESC, lastId DESC`,
        )
        .all(projectId, sinceAt);
      const last = db.prepare<[number], { deployment_id: string; request_id: string | null }>(
        "SELECT deployment_id, request_id FROM errors WHERE id = ?",
      );
      const stack = db.prepare<[string, string, string], { stack: string }>(
        "SELECT stack FROM errors WHERE project_id = ? AND message = ? AND at >= ? AND stack IS NOT NULL ORDER BY id DESC LIMIT 1",
      );
      return rows.map((r): ErrorGroup => {
        const l = last.get(r.lastId);
        return {
          message: r.message,
          count: r.count,
          firstAt: r.firstAt,
          lastAt: r.lastAt,
          lastDeploymentId: l?.deployment_id ?? "",
          lastRequestId: l?.request_id ?? null,
          stack: stack.get(projectId, r.message, sinceAt)?.stack ?? null,
        };
      });
    },
    async metrics(projectId, from, to, deploymentId) {
      return db
        .prepare<unknown[], MetricRow>(
          `SELECT * FROM metrics WHERE project_id = ? AND start >= ? AND start < ?
           ${deploymentId === undefined ? "" : "AND deployment_id = ?"} ORDER BY start, deployment_id`,
        )
        .all(...[projectId, from, to, ...(deploymentId === undefined ? [] : [deploymentId])])
        .map(toPoint);
    },
    async compact(policy, now) {
      return compact.immediate(policy, now);
    },
    async dropped(projectId) {
      const row = db
        .prepare<[string], { entries: number; errors: number; metric_days: number }>(
          "SELECT entries, errors, metric_days FROM dropped WHERE project_id = ?",
        )
        .get(projectId);
      return row ? { entries: row.entries, errors: row.errors, metricDays: row.metric_days } : NO_DROPS;
    },
    async deleteProject(projectId) {
      db.transaction(() => {
        for (const table of ["entries", "errors", "metrics", "dropped"])
          db.prepare(`DELETE FROM ${table} WHERE project_id = ?`).run(projectId);
      }).immediate();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
