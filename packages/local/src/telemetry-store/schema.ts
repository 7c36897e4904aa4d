import { SlipwayError } from "@slipway/core";
import type { SqliteDatabase } from "../sqlite/open.ts";

/**
 * The telemetry file's own schema (`<data>/telemetry.db`, apart from the store's file: request
 * logs write far more often than metadata, and a full telemetry file must never block a deploy).
 * Versioned by `user_version`; add a step, never edit one.
 */
const STEPS: readonly string[] = [
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
];

export function migrateTelemetry(db: SqliteDatabase): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > STEPS.length) {
    throw new SlipwayError(
      "SCHEMA_TOO_NEW",
      `Telemetry database ${db.name} has schema version ${version}, newer than this Slipway knows (${STEPS.length})`,
      "Upgrade Slipway, or restore a backup made by the version that wrote it.",
    );
  }
  for (let step = version; step < STEPS.length; step++) {
    db.transaction(() => {
      db.exec(STEPS[step] as string);
      db.pragma(`user_version = ${step + 1}`);
    }).immediate();
  }
}
