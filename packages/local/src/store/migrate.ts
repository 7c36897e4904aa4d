import { SlipwayError } from "@slipway/core";
import type Database from "better-sqlite3";
import { MIGRATIONS, type Migration } from "./migrations.ts";

/**
 * Applies the migrations newer than the file's `user_version`, each in its own transaction so a
 * failing one leaves the file at the previous version. Returns the versions it applied.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Read inside the write lock (IMMEDIATE below), so two processes opening the same file at
      // once cannot both apply the same migration.
      const current = userVersion(db);
      if (current > latest) throw tooNew(db, current, latest);
      if (current >= migration.version) return false;
      try {
        db.exec(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.version} (${migration.name}) failed on ${db.name}: ${reason}`, {
          cause: error,
        });
      }
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  const current = userVersion(db);
  if (current > latest) throw tooNew(db, current, latest);
  return applied;
}

/** The schema version this build writes: a data dir with a newer one is refused. */
export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

export function userVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    // A gap or a reordering would silently skip a migration on some databases: refuse instead.
    if (migration.version !== index + 1) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

function tooNew(db: Database.Database, current: number, latest: number): SlipwayError {
  return new SlipwayError(
    "SCHEMA_TOO_NEW",
    `Database ${db.name} has schema version ${current}, newer than this Slipway knows (${latest})`,
    "Upgrade Slipway, or restore a backup made by the version that wrote it.",
  );
}
