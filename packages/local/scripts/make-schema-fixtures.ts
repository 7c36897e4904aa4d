/**
 * Writes `fixtures/schemas/v<N>.db`: one small database per released schema version, as a
 * Slipway of that version left it, so `schema-upgrades.test.ts` can migrate each to the latest.
 * Run once per new migration (`npx tsx packages/local/scripts/make-schema-fixtures.ts`) and commit
 * the new file; an old fixture is never regenerated (it stands for data written long ago).
 *
 * Rows are written with raw SQL, column by column from what each table has at that version, so
 * the script needs no store code of that version.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createAesGcmSecrets } from "../src/secrets/aes-gcm.ts";
import { runMigrations } from "../src/store/migrate.ts";
import { MIGRATIONS } from "../src/store/migrations.ts";
import { FIXTURE_DATA, FIXTURE_MASTER_KEY } from "../src/store/schema-fixture-data.ts";

const dir = join(import.meta.dirname, "..", "fixtures", "schemas");
mkdirSync(dir, { recursive: true });
const secrets = createAesGcmSecrets({ key: FIXTURE_MASTER_KEY });
const envCiphertext = await secrets.encrypt(FIXTURE_DATA.envValue);
const force = process.argv.includes("--force");

for (const { version } of MIGRATIONS) {
  const path = join(dir, `v${version}.db`);
  if (existsSync(path) && !force) continue;
  rmSync(path, { force: true });
  const db = new Database(path);
  process.on("exit", (code) => code !== 0 && rmSync(path, { force: true }));
  runMigrations(db, MIGRATIONS.slice(0, version));
  const now = "2026-01-02T03:04:05.000Z";
  const rows: Record<string, Record<string, unknown>[]> = {
    projects: [
      {
        id: "p1",
        name: FIXTURE_DATA.project,
        repo_url: "https://github.com/acme/blog.git",
        production_branch: "main",
        root_dir: ".",
        install_command: null,
        build_command: "npm run build",
        webhook_secret: FIXTURE_DATA.webhookSecret, // plaintext before schema 4; sealed at start
        created_at: now,
        repo_credential_encrypted: null,
        node_version: "20",
        team_id: null,
      },
    ],
    deployments: [
      {
        id: FIXTURE_DATA.deploymentId,
        project_id: "p1",
        environment: "production",
        status: "ready",
        status_reason: null,
        commit_sha: "a".repeat(40),
        commit_branch: "main",
        commit_message: "first",
        commit_author: "ada",
        trigger: "push",
        artifact_key: `artifacts/${FIXTURE_DATA.deploymentId}.tar`,
        env_snapshot: null,
        created_at: now,
        build_started_at: now,
        ready_at: now,
        finished_at: now,
        updated_at: now,
        status_report_id: null,
      },
    ],
    aliases: [
      {
        hostname: FIXTURE_DATA.productionHost,
        project_id: "p1",
        deployment_id: FIXTURE_DATA.deploymentId,
        kind: "production",
        updated_at: now,
        canary: null,
      },
    ],
    env_vars: [
      {
        id: "env1",
        project_id: "p1",
        key: FIXTURE_DATA.envKey,
        value_encrypted: envCiphertext,
        targets: JSON.stringify(["production", "preview"]),
        branch: null,
        secret: 1,
        created_at: now,
        updated_at: now,
      },
    ],
    webhook_deliveries: [{ id: "delivery-1", project_id: "p1", event: "push", received_at: now, outcome: "queued" }],
    api_tokens: [
      {
        id: "tok1",
        name: "ci",
        token_hash: "f".repeat(64),
        created_at: now,
        user_id: null,
        team_id: null,
        role: null,
        expires_at: null,
      },
    ],
    queue_jobs: [
      {
        id: "job1",
        type: "deployment.build",
        payload: JSON.stringify({ deploymentId: FIXTURE_DATA.deploymentId }),
        attempts: 0,
        state: "dead",
        run_at: 0,
        enqueued_at: now,
      },
    ],
    log_lines: [{ deployment_id: FIXTURE_DATA.deploymentId, seq: 1, at: now, stream: "stdout", text: "built" }],
    domains: [
      {
        hostname: FIXTURE_DATA.domain,
        project_id: "p1",
        status: "pending",
        next_attempt_at: null,
        data: JSON.stringify({
          hostname: FIXTURE_DATA.domain,
          projectId: "p1",
          redirectTo: null,
          status: "pending",
          statusReason: null,
          verificationToken: "verify-me",
          certificate: null,
          challenge: null,
          nextAttemptAt: null,
          failedAttempts: 0,
          createdAt: now,
          updatedAt: now,
        }),
      },
    ],
  };
  for (const [table, tableRows] of Object.entries(rows)) {
    const columns = db
      .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
      .all()
      .map((c) => c.name);
    if (columns.length === 0) continue; // not at this version yet
    for (const row of tableRows) {
      const missing = columns.filter(
        (column) => !(column in row) && column !== "locked_until" && column !== "last_error",
      );
      const known = columns.filter((column) => column in row);
      if (missing.length > 0) throw new Error(`v${version}: no fixture value for ${table}.${missing.join(", ")}`);
      db.prepare(`INSERT INTO ${table} (${known.join(", ")}) VALUES (${known.map((c) => `@${c}`).join(", ")})`).run(
        Object.fromEntries(known.map((column) => [column, row[column]])),
      );
    }
  }
  // A plain file in the repository: no WAL beside it, the smallest pages (a table or an index
  // takes at least one), the free pages gone.
  db.pragma("journal_mode = DELETE");
  db.pragma("page_size = 512");
  db.exec("VACUUM");
  db.close();
  console.log(`wrote ${path}`);
}
