import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { runMigrations } from "../store/migrate.ts";

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the local SQLite file with the settings every adapter relies on,
 * and brings its schema up to date. Store, queue and log store may share one file: the schema is
 * one migration list, so whichever adapter opens the file first migrates it for all of them.
 */
export function openSqlite(path: string): SqliteDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets the API read while the builder writes; busy_timeout makes a second connection
  // (a CLI run next to `slipway up`) wait for the write lock instead of failing at once.
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commit.
  db.pragma("synchronous = NORMAL");
  // Deleted and overwritten rows are zeroed, so a removed secret or ciphertext does not linger in
  // free space of the file.
  db.pragma("secure_delete = ON");
  runMigrations(db);
  return db;
}

/** Accepts a path (the adapter owns the connection) or an open database (the caller owns it). */
export function resolveDatabase(target: string | SqliteDatabase): { db: SqliteDatabase; owned: boolean } {
  if (typeof target === "string") return { db: openSqlite(target), owned: true };
  runMigrations(target);
  return { db: target, owned: false };
}
