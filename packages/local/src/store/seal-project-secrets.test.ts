import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoCredentialOf, webhookSecretOf } from "@slipway/core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteLogStore } from "../log-store/sqlite.ts";
import { createAesGcmSecrets } from "../secrets/aes-gcm.ts";
import { openSqlite } from "../sqlite/open.ts";
import { runMigrations } from "./migrate.ts";
import { MIGRATIONS } from "./migrations.ts";
import { sealProjectSecrets } from "./seal-project-secrets.ts";
import { createSqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const WEBHOOK_SECRET = "9f".repeat(32);
const TOKEN = "tok-Legacy/42";
const LEGACY_URL = "https://ci:tok-Legacy%2F42@git.example.com/acme/site.git";

/** A data dir as Slipway wrote it before schema 4: plaintext webhook secret, token in the URL and echoed. */
async function legacyDatabase(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-seal-"));
  dirs.push(dir);
  const path = join(dir, "slipway.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  runMigrations(db, MIGRATIONS.slice(0, 3));
  db.prepare(
    `INSERT INTO projects (id, name, repo_url, production_branch, root_dir, install_command, build_command,
       webhook_secret, created_at) VALUES ('p1', 'site', ?, 'main', '', NULL, NULL, ?, '2026-01-01T00:00:00Z')`,
  ).run(LEGACY_URL, WEBHOOK_SECRET);
  db.prepare(
    `INSERT INTO deployments (id, project_id, environment, status, status_reason, commit_sha, trigger, created_at)
     VALUES ('d1', 'p1', 'production', 'error', ?, ?, 'cli', '2026-01-01T00:00:00Z')`,
  ).run(`clone failed: could not fetch ${LEGACY_URL}`, "a".repeat(40));
  db.prepare(
    "INSERT INTO log_lines (deployment_id, seq, at, stream, text) VALUES ('d1', 1, '2026-01-01T00:00:00Z', 'system', ?)",
  ).run(`fatal: unable to access '${LEGACY_URL}': 403`);
  db.close();
  return { dir, path };
}

async function databaseBytes(dir: string): Promise<Array<{ file: string; bytes: Buffer }>> {
  const files = (await readdir(dir)).filter((f) => f.startsWith("slipway.db"));
  return Promise.all(files.map(async (file) => ({ file, bytes: await readFile(join(dir, file)) })));
}

describe("sealProjectSecrets", () => {
  it("encrypts plaintext webhook secrets and URL tokens of an upgraded database, leaving no plaintext", async () => {
    const { dir, path } = await legacyDatabase();
    const db = openSqlite(path);
    const store = createSqliteStore(db);
    const secrets = createAesGcmSecrets({ keyFile: join(dir, "master.key") });

    expect(await sealProjectSecrets(db, secrets)).toBe(1);
    expect(await sealProjectSecrets(db, secrets)).toBe(0);

    const project = await store.projects.get("p1");
    if (!project) throw new Error("project p1 is gone");
    expect(project.repoUrl).toBe("https://git.example.com/acme/site.git");
    expect(await repoCredentialOf({ secrets }, project)).toEqual({ username: "ci", password: TOKEN });
    expect(await webhookSecretOf({ secrets }, project)).toBe(WEBHOOK_SECRET);
    expect((await store.deployments.get("d1"))?.statusReason).toBe(
      "clone failed: could not fetch https://ci:***@git.example.com/acme/site.git",
    );
    const lines = await createSqliteLogStore(db).read("d1");
    expect(lines.map((l) => l.text)).toEqual([
      "fatal: unable to access 'https://ci:***@git.example.com/acme/site.git': 403",
    ]);

    // Read while the connection is open, so the WAL and shared-memory files are there too.
    const files = await databaseBytes(dir);
    expect(files.map((f) => f.file)).toContain("slipway.db");
    for (const { file, bytes } of files) {
      for (const plain of [WEBHOOK_SECRET, TOKEN, "tok-Legacy%2F42", "tok-Legacy"]) {
        expect(bytes.includes(plain), `${plain} in ${file}`).toBe(false);
      }
    }
    db.close();
  });
});
