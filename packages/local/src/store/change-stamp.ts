import type Database from "better-sqlite3";

/**
 * A value that moves whenever anything in the SQLite file may have changed, for the edge's
 * caches: `data_version` moves when another connection (a `slipway worker`, a build, the CLI)
 * commits, `total_changes()` when this one writes. Between them they see every change to the
 * file; one statement reads both.
 */
export function createSqliteChangeStamp(db: Database.Database): () => string {
  const stamp = db
    .prepare<[], string>("SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes()")
    .pluck();
  return () => stamp.get() as string;
}
