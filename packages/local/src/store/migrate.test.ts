import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runMigrations, userVersion } from "./migrate.ts";
import { MIGRATIONS, type Migration } from "./migrations.ts";
import { PROJECT_COLUMNS } from "./rows.ts";

const tables = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);

const steps: Migration[] = [
  { version: 1, name: "a", sql: "CREATE TABLE a (x INTEGER)" },
  { version: 2, name: "b", sql: "CREATE TABLE b (y INTEGER)" },
];

describe("runMigrations", () => {
  it("applies every migration in order on a new database and sets user_version", () => {
    const db = new Database(":memory:");
    expect(runMigrations(db, steps)).toEqual([1, 2]);
    expect(userVersion(db)).toBe(2);
    expect(tables(db)).toEqual(["a", "b"]);
  });

  it("is idempotent and applies only what is new", () => {
    const db = new Database(":memory:");
    runMigrations(db, steps.slice(0, 1));
    expect(runMigrations(db, steps)).toEqual([2]);
    expect(runMigrations(db, steps)).toEqual([]);
  });

  it("rolls a failing migration back whole, leaving the previous version", () => {
    const db = new Database(":memory:");
    const broken = [...steps, { version: 3, name: "broken", sql: "CREATE TABLE c (z INTEGER); CREATE TABLE a (x)" }];
    expect(() => runMigrations(db, broken)).toThrow(/already exists/);
    expect(userVersion(db)).toBe(2);
    expect(tables(db)).toEqual(["a", "b"]);
  });

  it("refuses a database written by a newer schema", () => {
    const db = new Database(":memory:");
    runMigrations(db, steps);
    expect(() => runMigrations(db, steps.slice(0, 1))).toThrow(/schema version 2, newer than this Slipway knows \(1\)/);
  });

  it("refuses a list with a gap or out of order", () => {
    const db = new Database(":memory:");
    expect(() => runMigrations(db, [steps[1] as Migration])).toThrow(/expected 1/);
    expect(userVersion(db)).toBe(0);
  });

  it("the real schema applies cleanly and enables the adapters' tables", () => {
    const db = new Database(":memory:");
    runMigrations(db);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(
      expect.arrayContaining(["projects", "deployments", "aliases", "env_vars", "queue_jobs", "log_lines"]),
    );
  });

  it("migration 6 gives projects made before it Node 22 and refuses another version", () => {
    const db = new Database(":memory:");
    runMigrations(db, MIGRATIONS.slice(0, 5));
    // Columns added by later migrations (node_version by 6, team_id by 7) are not there yet.
    const before = PROJECT_COLUMNS.filter((column) => column !== "node_version" && column !== "team_id");
    db.prepare(`INSERT INTO projects (${before.join(", ")}) VALUES (${before.map(() => "'x'").join(", ")})`).run();
    runMigrations(db);
    expect(db.prepare("SELECT node_version FROM projects").get()).toEqual({ node_version: "22" });
    expect(() => db.prepare("UPDATE projects SET node_version = '18'").run()).toThrow(/CHECK constraint/);
  });

  it("migration 7 leaves projects made before it without a team, for the first user to get", () => {
    const db = new Database(":memory:");
    runMigrations(db, MIGRATIONS.slice(0, 6));
    const before = PROJECT_COLUMNS.filter((column) => column !== "team_id" && column !== "node_version");
    db.prepare(`INSERT INTO projects (${before.join(", ")}) VALUES (${before.map(() => "'x'").join(", ")})`).run();
    runMigrations(db);
    expect(db.prepare("SELECT team_id FROM projects").get()).toEqual({ team_id: null });
    expect(() => db.prepare("UPDATE api_tokens SET role = 'admin'").run()).not.toThrow();
    db.prepare("INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES ('t', 'admin', 'h', 'now')").run();
    expect(() => db.prepare("UPDATE api_tokens SET role = 'admin'").run()).toThrow(/CHECK constraint/);
  });
});
