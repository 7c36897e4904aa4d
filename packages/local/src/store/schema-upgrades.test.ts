import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAesGcmSecrets } from "../secrets/aes-gcm.ts";
import { openSqlite } from "../sqlite/open.ts";
import { latestSchemaVersion } from "./migrate.ts";
import { MIGRATIONS } from "./migrations.ts";
import { FIXTURE_DATA, FIXTURE_MASTER_KEY } from "./schema-fixture-data.ts";
import { sealProjectSecrets } from "./seal-project-secrets.ts";
import { createSqliteStore } from "./sqlite.ts";

// Every released schema, as a Slipway of that version left its database (fixtures/schemas, made by
// scripts/make-schema-fixtures.ts), migrated to the latest and read back through today's store.
const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "schemas");
const scratch = mkdtempSync(join(tmpdir(), "slipway-schema-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const open = (version: number) => {
  const path = join(scratch, `v${version}-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(join(FIXTURES, `v${version}.db`), path);
  return openSqlite(path);
};

describe("upgrades from every released schema", () => {
  it("has a fixture for every schema version (a new migration needs `make-schema-fixtures`)", () => {
    const missing = MIGRATIONS.filter(({ version }) => !existsSync(join(FIXTURES, `v${version}.db`)));
    expect(missing.map((m) => `v${m.version}.db`)).toEqual([]);
  });

  for (const { version } of MIGRATIONS) {
    it(`migrates a schema ${version} database to ${latestSchemaVersion()} and keeps its data`, async () => {
      const db = open(version);
      expect(db.pragma("user_version", { simple: true })).toBe(latestSchemaVersion());
      const secrets = createAesGcmSecrets({ key: FIXTURE_MASTER_KEY });
      await sealProjectSecrets(db, secrets); // what `slipway up` does next
      const store = createSqliteStore(db);

      const project = await store.projects.getByName(FIXTURE_DATA.project);
      expect(project).toMatchObject({ id: "p1", productionBranch: "main", buildCommand: "npm run build" });
      // Before schema 6 every project built on Node 22; the fixture's own choice (20) from then on.
      expect(project?.nodeVersion).toBe(version >= 6 ? "20" : "22");
      expect(project?.teamId ?? null).toBeNull();
      expect(await secrets.decrypt(project?.webhookSecretEncrypted ?? "")).toBe(FIXTURE_DATA.webhookSecret);

      const deployment = await store.deployments.get(FIXTURE_DATA.deploymentId);
      expect(deployment).toMatchObject({ status: "ready", environment: "production" });
      expect(deployment?.artifactKey).toBe(`artifacts/${FIXTURE_DATA.deploymentId}.tar`);
      expect((await store.aliases.production("p1"))?.deploymentId).toBe(FIXTURE_DATA.deploymentId);
      expect((await store.aliases.get(FIXTURE_DATA.productionHost))?.kind).toBe("production");

      const [envVar] = await store.envVars.listByProject("p1");
      expect(envVar).toMatchObject({ key: FIXTURE_DATA.envKey, secret: true, targets: ["production", "preview"] });
      expect(await secrets.decrypt(envVar?.valueEncrypted ?? "")).toBe(FIXTURE_DATA.envValue);

      if (version >= 3) {
        expect(db.prepare("SELECT text FROM log_lines WHERE deployment_id = ?").get(FIXTURE_DATA.deploymentId)).toEqual(
          { text: "built" },
        );
      }
      if (version >= 8) expect((await store.domains.get(FIXTURE_DATA.domain))?.status).toBe("pending");
      // The migrated file takes today's writes.
      await store.projects.update("p1", { nodeVersion: "24" });
      expect((await store.projects.get("p1"))?.nodeVersion).toBe("24");
      await store.close();
    });
  }

  it("refuses a database from a newer Slipway, naming both versions", () => {
    const path = join(scratch, "newer.db");
    copyFileSync(join(FIXTURES, `v${latestSchemaVersion()}.db`), path);
    const db = openSqlite(path);
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    db.close();
    expect(() => openSqlite(path)).toThrow(
      expect.objectContaining({
        code: "SCHEMA_TOO_NEW",
        message: expect.stringContaining(
          `schema version ${latestSchemaVersion() + 1}, newer than this Slipway knows (${latestSchemaVersion()})`,
        ),
      }),
    );
  });
});
