import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TelemetryStore } from "@slipway/core";
// The telemetry subpath, not the barrel: this module also runs in the telemetry thread, which
// should not load the rest of core.
import {
  addPoint,
  type DroppedCounts,
  type ErrorGroup,
  type MetricPoint,
  type MetricResolution,
  type NewTelemetryEntry,
  NO_DROPS,
  rollUp,
  sliceRows,
  type TelemetryEntry,
} from "@slipway/core/telemetry";
import Database from "better-sqlite3";
import { decodeBlock, encodeBlock, KIND_BITS } from "./entry-block.ts";
import { decodeRequestBlock, encodeRequestBlock, isRequestBlockFormat } from "./request-block.ts";
import { INSERT_BLOCK, MAX_BLOCK_ENTRIES, migrateTelemetry } from "./schema.ts";

type BlockRow = {
  last_seq: number;
  project_id: string;
  first_seq: number;
  count: number;
  body: Buffer;
  format: number;
};

/** A block's entries, whichever format it was written in. */
const entriesOf = (row: BlockRow): TelemetryEntry[] =>
  isRequestBlockFormat(row.format)
    ? decodeRequestBlock(row.project_id, row.first_seq, row.body, row.format)
    : decodeBlock(row.project_id, row.first_seq, row.body);

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
 * Telemetry in its own SQLite file (WAL). Entries are stored in blocks, one row per project per
 * write (entry-block.ts), with the columns that select blocks beside the body; seqs come from a
 * counter row, so they only grow, even after deletes. Readers decode the blocks they select and
 * filter their entries.
 */
export function createSqliteTelemetryStore(path: string): TelemetryStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // Telemetry may lose its last commit in an OS crash; it must never slow the request path.
  db.pragma("synchronous = NORMAL");
  migrateTelemetry(db);

  const insertBlock = db.prepare(INSERT_BLOCK);
  const deleteBlock = db.prepare<[number]>("DELETE FROM entry_blocks WHERE last_seq = ?");
  const lastSeq = db.prepare<[], number>("SELECT last FROM entry_seq").pluck();
  const setLastSeq = db.prepare<[number]>("UPDATE entry_seq SET last = ?");

  function putBlock(projectId: string, entries: readonly NewTelemetryEntry[], seqs: readonly number[]): void {
    const { summary, body } = encodeBlock(entries, seqs);
    insertBlock.run({ ...summary, projectId, body, format: 1 });
  }

  /** A block's row replaced by the entries kept of it (none: the row goes). */
  function rewriteBlock(row: BlockRow, keep: readonly TelemetryEntry[]): void {
    deleteBlock.run(row.last_seq);
    if (keep.length > 0)
      putBlock(
        row.project_id,
        keep,
        keep.map((e) => e.seq),
      );
  }
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
    // Seqs in batch order: the entries, then the request rows.
    const first = lastSeq.get() as number;
    let seq = first;
    if (batch.entries.length > 0) {
      // Each project's entries become its blocks.
      const byProject = new Map<string, { entries: NewTelemetryEntry[]; seqs: number[] }>();
      for (const e of batch.entries) {
        let group = byProject.get(e.projectId);
        if (!group) {
          group = { entries: [], seqs: [] };
          byProject.set(e.projectId, group);
        }
        group.entries.push(e);
        group.seqs.push(++seq);
      }
      for (const [projectId, { entries, seqs }] of byProject)
        for (let i = 0; i < entries.length; i += MAX_BLOCK_ENTRIES)
          putBlock(projectId, entries.slice(i, i + MAX_BLOCK_ENTRIES), seqs.slice(i, i + MAX_BLOCK_ENTRIES));
    }
    // Request rows in blocks of up to MAX_BLOCK_ENTRIES rows of one project.
    for (const { projectId, rows } of batch.requestRows ?? []) {
      for (let from = 0; from < rows.count; from += MAX_BLOCK_ENTRIES) {
        const to = Math.min(rows.count, from + MAX_BLOCK_ENTRIES);
        const part = from === 0 && to === rows.count ? rows : sliceRows(rows, from, to);
        const { summary, body, format } = encodeRequestBlock(part, seq + 1);
        insertBlock.run({ ...summary, projectId, body, format });
        seq += part.count;
      }
    }
    if (seq !== first) setLastSeq.run(seq);
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
    const droppedEntries = new Map<string, number>();
    const countDropped = (projectId: string, n: number) =>
      n > 0 && droppedEntries.set(projectId, (droppedEntries.get(projectId) ?? 0) + n);
    // Entries: blocks wholly too old go; a block holding both sides of the cutoff is rewritten.
    for (const row of db
      .prepare<[string], BlockRow & { max_at: string }>("SELECT * FROM entry_blocks WHERE min_at < ?")
      .all(cutoff)) {
      const keep = row.max_at < cutoff ? [] : entriesOf(row).filter((e) => e.at >= cutoff);
      rewriteBlock(row, keep);
      countDropped(row.project_id, row.count - keep.length);
    }
    // Then each project's entries beyond its cap, the oldest first.
    for (const { project_id, total } of db
      .prepare<[number], { project_id: string; total: number }>(
        "SELECT project_id, sum(count) AS total FROM entry_blocks GROUP BY project_id HAVING total > ?",
      )
      .all(policy.maxEntriesPerProject)) {
      let excess = total - policy.maxEntriesPerProject;
      const blocks = db
        .prepare<[string], BlockRow>("SELECT * FROM entry_blocks WHERE project_id = ? ORDER BY last_seq")
        .iterate(project_id);
      const victims: { row: BlockRow; drop: number }[] = [];
      for (const row of blocks) {
        victims.push({ row, drop: Math.min(excess, row.count) });
        excess -= row.count;
        if (excess <= 0) break;
      }
      for (const { row, drop } of victims) {
        rewriteBlock(row, drop === row.count ? [] : entriesOf(row).slice(drop));
        countDropped(project_id, drop);
      }
    }
    for (const [projectId, n] of droppedEntries) {
      drop(projectId, { entries: n });
      dropped.entries += n;
    }
    // Errors: old rows, then each project's rows beyond its cap (the oldest go first).
    const victims = db
      .prepare<[string, number], { project_id: string; n: number }>(
        `SELECT project_id, count(*) AS n FROM errors t WHERE at < ? OR id <= (
           SELECT id FROM errors WHERE project_id = t.project_id ORDER BY id DESC LIMIT 1 OFFSET ?
         ) GROUP BY project_id`,
      )
      .all(cutoff, policy.maxErrorsPerProject);
    db.prepare(
      `DELETE FROM errors WHERE at < ? OR id <= (
         SELECT id FROM errors i WHERE i.project_id = errors.project_id ORDER BY id DESC LIMIT 1 OFFSET ?
       )`,
    ).run(cutoff, policy.maxErrorsPerProject);
    for (const { project_id, n } of victims) {
      drop(project_id, { errors: n });
      dropped.errors += n;
    }
    return { rolledUp, dropped };
  });

  return {
    name: "sqlite",
    async write(batch) {
      if (batch.entries.length + (batch.requestRows?.length ?? 0) + batch.errors.length + batch.metrics.length > 0)
        write.immediate(batch);
    },
    async entries(query) {
      // Blocks are selected by their summary columns, then decoded and their entries filtered.
      const where = ["project_id = @projectId"];
      if (query.afterSeq !== undefined) where.push("last_seq > @afterSeq");
      if (query.sinceAt !== undefined) where.push("max_at >= @sinceAt");
      if (query.kind !== undefined) where.push("kinds & @kindBit");
      if (query.status !== undefined) where.push("max_status >= @min AND min_status <= @max");
      const newest = query.afterSeq === undefined;
      const blocks = db
        .prepare<Record<string, unknown>, BlockRow>(
          `SELECT * FROM entry_blocks WHERE ${where.join(" AND ")} ORDER BY last_seq ${newest ? "DESC" : "ASC"}`,
        )
        .iterate({
          projectId: query.projectId,
          afterSeq: query.afterSeq,
          sinceAt: query.sinceAt,
          kindBit: query.kind === undefined ? undefined : KIND_BITS[query.kind],
          min: query.status?.min,
          max: query.status?.max,
        });
      const wanted = (e: TelemetryEntry) =>
        (query.deploymentId === undefined || e.deploymentId === query.deploymentId) &&
        (query.afterSeq === undefined || e.seq > query.afterSeq) &&
        (query.sinceAt === undefined || e.at >= query.sinceAt) &&
        (query.kind === undefined || e.kind === query.kind) &&
        (query.status === undefined ||
          (e.kind === "request" && e.status >= query.status.min && e.status <= query.status.max));
      const found: TelemetryEntry[] = [];
      for (const row of blocks) {
        if (found.length >= query.limit) break;
        const entries = entriesOf(row);
        if (newest) {
          for (let i = entries.length - 1; i >= 0 && found.length < query.limit; i--) {
            const e = entries[i] as TelemetryEntry;
            if (wanted(e)) found.push(e);
          }
        } else {
          for (const e of entries) {
            if (found.length >= query.limit) break;
            if (wanted(e)) found.push(e);
          }
        }
      }
      return newest ? found.reverse() : found;
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
        for (const table of ["entry_blocks", "errors", "metrics", "dropped"])
          db.prepare(`DELETE FROM ${table} WHERE project_id = ?`).run(projectId);
      }).immediate();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
