import { SlipwayError } from "@slipway/core/errors";
import type { TelemetryEntry } from "@slipway/core/telemetry";
import type { SqliteDatabase } from "../sqlite/open.ts";
import { encodeBlock } from "./entry-block.ts";

/**
 * The telemetry file's own schema (`<data>/telemetry.db`, apart from the store's file: request
 * logs write far more often than metadata, and a full telemetry file must never block a deploy).
 * Versioned by `user_version`; add a step, never edit one. A step is SQL, or a function for what
 * SQL cannot do (encoding blocks).
 */
const STEPS: readonly (string | ((db: SqliteDatabase) => void))[] = [
  `CREATE TABLE entries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     project_id TEXT NOT NULL,
     deployment_id TEXT NOT NULL,
     at TEXT NOT NULL,
     kind TEXT NOT NULL,
     status INTEGER,
     body TEXT NOT NULL
   );
   -- One index only: every insert pays for each, and inserts are the hot side. A time window is
   -- read along seq (entries are written in time order).
   CREATE INDEX entries_project ON entries (project_id, seq);
   CREATE TABLE errors (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     project_id TEXT NOT NULL,
     deployment_id TEXT NOT NULL,
     request_id TEXT,
     at TEXT NOT NULL,
     message TEXT NOT NULL,
     stack TEXT
   );
   CREATE INDEX errors_project_at ON errors (project_id, at);
   CREATE TABLE metrics (
     project_id TEXT NOT NULL,
     deployment_id TEXT NOT NULL,
     resolution TEXT NOT NULL,
     start INTEGER NOT NULL,
     requests INTEGER NOT NULL,
     errors INTEGER NOT NULL,
     cold_starts INTEGER NOT NULL,
     gb_seconds REAL NOT NULL,
     bytes_out INTEGER NOT NULL,
     invocations INTEGER NOT NULL,
     latency TEXT NOT NULL,
     PRIMARY KEY (project_id, resolution, start, deployment_id)
   ) WITHOUT ROWID;
   CREATE TABLE dropped (
     project_id TEXT PRIMARY KEY,
     entries INTEGER NOT NULL DEFAULT 0,
     errors INTEGER NOT NULL DEFAULT 0,
     metric_days INTEGER NOT NULL DEFAULT 0
   );`,
  toEntryBlocks,
  // Step 3: request rows are stored as they come (request-block.ts); older blocks stay format 1.
  "ALTER TABLE entry_blocks ADD COLUMN format INTEGER NOT NULL DEFAULT 1",
  // Step 4: request blocks may be format 3 (request-block.ts). Nothing to change in the file, but
  // a Slipway from before must refuse it (SCHEMA_TOO_NEW) rather than read those as format 1.
  "SELECT 1",
];

/** Most entries in one block: bounds what a live tail decodes to read the newest few. */
export const MAX_BLOCK_ENTRIES = 1024;

export const INSERT_BLOCK = `INSERT INTO entry_blocks (last_seq, project_id, first_seq, count, min_at, max_at, kinds,
  min_status, max_status, body, format) VALUES (@lastSeq, @projectId, @firstSeq, @count, @minAt, @maxAt, @kinds,
  @minStatus, @maxStatus, @body, @format)`;

/** Step 2's insert, as its table was then (steps never change). */
const INSERT_BLOCK_V2 = `INSERT INTO entry_blocks (last_seq, project_id, first_seq, count, min_at, max_at, kinds,
  min_status, max_status, body) VALUES (@lastSeq, @projectId, @firstSeq, @count, @minAt, @maxAt, @kinds, @minStatus,
  @maxStatus, @body)`;

/**
 * Step 2 (issue 13): entries become blocks, one row per project per write (see entry-block.ts);
 * the seq counter AUTOINCREMENT kept moves to `entry_seq`, so seqs still never go back. Rows
 * already written are packed into blocks of up to MAX_BLOCK_ENTRIES, seqs unchanged.
 */
function toEntryBlocks(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE entry_blocks (
     last_seq INTEGER PRIMARY KEY,
     project_id TEXT NOT NULL,
     first_seq INTEGER NOT NULL,
     count INTEGER NOT NULL,
     min_at TEXT NOT NULL,
     max_at TEXT NOT NULL,
     kinds INTEGER NOT NULL,
     min_status INTEGER,
     max_status INTEGER,
     body BLOB NOT NULL
   );
   CREATE INDEX entry_blocks_project ON entry_blocks (project_id, last_seq);
   CREATE TABLE entry_seq (last INTEGER NOT NULL);
   INSERT INTO entry_seq SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0);`);
  const insert = db.prepare(INSERT_BLOCK_V2);
  const rows = db
    .prepare<[], { seq: number; project_id: string; deployment_id: string; at: string; kind: string; body: string }>(
      "SELECT seq, project_id, deployment_id, at, kind, body FROM entries ORDER BY project_id, seq",
    )
    .all();
  let pending: TelemetryEntry[] = [];
  const flush = () => {
    const first = pending[0];
    if (!first) return;
    const { summary, body } = encodeBlock(
      pending,
      pending.map((e) => e.seq),
    );
    insert.run({ ...summary, projectId: first.projectId, body });
    pending = [];
  };
  for (const r of rows) {
    if (pending.length >= MAX_BLOCK_ENTRIES || (pending[0] && pending[0].projectId !== r.project_id)) flush();
    pending.push({
      kind: r.kind,
      seq: r.seq,
      at: r.at,
      projectId: r.project_id,
      deploymentId: r.deployment_id,
      ...JSON.parse(r.body),
    } as TelemetryEntry);
  }
  flush();
  db.exec("DROP TABLE entries");
}

/** Brings the file to the newest schema (`upTo`: an older one, for upgrade tests). */
export function migrateTelemetry(db: SqliteDatabase, upTo = STEPS.length): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > STEPS.length) {
    throw new SlipwayError(
      "SCHEMA_TOO_NEW",
      `Telemetry database ${db.name} has schema version ${version}, newer than this Slipway knows (${STEPS.length})`,
      "Upgrade Slipway, or restore a backup made by the version that wrote it.",
    );
  }
  for (let step = version; step < upTo; step++) {
    db.transaction(() => {
      const run = STEPS[step];
      if (typeof run === "function") run(db);
      else db.exec(run as string);
      db.pragma(`user_version = ${step + 1}`);
    }).immediate();
  }
}
