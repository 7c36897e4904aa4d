import type { AliasRepo } from "@slipway/core";
import { nowIso } from "@slipway/core";
import type Database from "better-sqlite3";
import { type AliasRow, aliasFromRow } from "./rows.ts";

export function createAliasRepo(db: Database.Database): AliasRepo {
  // One statement, so moving production is atomic: a reader sees the old or the new deployment,
  // never a missing row (which a delete-then-insert could show). The WHERE keeps the owner: a row
  // of another project is left alone (0 changes), so no project can take over another's hostname.
  const set = db.prepare(
    `INSERT INTO aliases (hostname, project_id, deployment_id, kind, updated_at)
     VALUES (@hostname, @projectId, @deploymentId, @kind, @updatedAt)
     ON CONFLICT (hostname) DO UPDATE SET
       project_id = excluded.project_id,
       deployment_id = excluded.deployment_id,
       kind = excluded.kind,
       updated_at = excluded.updated_at
     WHERE aliases.project_id = excluded.project_id`,
  );
  const get = db.prepare<[string], AliasRow>("SELECT * FROM aliases WHERE hostname = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM aliases WHERE hostname = ? AND project_id = ?");
  const listByProject = db.prepare<[string], AliasRow>("SELECT * FROM aliases WHERE project_id = ? ORDER BY hostname");
  const listByDeployment = db.prepare<[string], AliasRow>(
    "SELECT * FROM aliases WHERE deployment_id = ? ORDER BY hostname",
  );
  const production = db.prepare<[string], AliasRow>(
    `SELECT * FROM aliases WHERE project_id = ? AND kind = 'production'
     ORDER BY updated_at DESC, hostname LIMIT 1`,
  );

  return {
    async set(alias) {
      return set.run({ ...alias, updatedAt: nowIso() }).changes === 1;
    },
    async get(hostname) {
      const row = get.get(hostname);
      return row ? aliasFromRow(row) : null;
    },
    async delete(hostname, projectId) {
      return remove.run(hostname, projectId).changes === 1;
    },
    async listByProject(projectId) {
      return listByProject.all(projectId).map(aliasFromRow);
    },
    async listByDeployment(deploymentId) {
      return listByDeployment.all(deploymentId).map(aliasFromRow);
    },
    async production(projectId) {
      const row = production.get(projectId);
      return row ? aliasFromRow(row) : null;
    },
  };
}
