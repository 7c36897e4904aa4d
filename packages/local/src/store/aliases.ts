import type { Alias, AliasRepo } from "@slipway/core";
import { nowIso } from "@slipway/core";
import type Database from "better-sqlite3";
import { type AliasRow, aliasFromRow } from "./rows.ts";

export function createAliasRepo(db: Database.Database): AliasRepo {
  // One statement, so moving production is atomic: a reader sees the old or the new deployment,
  // never a missing row (which a delete-then-insert could show). The WHERE keeps the owner: a row
  // of another project is left alone (0 changes), so no project can take over another's hostname.
  const set = db.prepare(
    `INSERT INTO aliases (hostname, project_id, deployment_id, kind, updated_at, canary)
     VALUES (@hostname, @projectId, @deploymentId, @kind, @updatedAt, @canary)
     ON CONFLICT (hostname) DO UPDATE SET
       project_id = excluded.project_id,
       deployment_id = excluded.deployment_id,
       kind = excluded.kind,
       updated_at = excluded.updated_at,
       canary = excluded.canary
     WHERE aliases.project_id = excluded.project_id`,
  );
  // The compare-and-set: the insert only when no row exists, the update only while the row still
  // points where the caller saw it and belongs to the caller's project; one statement each, so a racing writer makes `changes` 0.
  const insertIfAbsent = db.prepare(
    `INSERT INTO aliases (hostname, project_id, deployment_id, kind, updated_at, canary)
     VALUES (@hostname, @projectId, @deploymentId, @kind, @updatedAt, @canary)
     ON CONFLICT (hostname) DO NOTHING`,
  );
  const updateIf = db.prepare(
    `UPDATE aliases SET deployment_id = @deploymentId, kind = @kind, updated_at = @updatedAt, canary = @canary
     WHERE hostname = @hostname AND deployment_id = @expected AND project_id = @projectId`,
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

  // The named parameters of one write: every column, the canary as JSON (null clears it).
  const rowOf = (alias: Omit<Alias, "updatedAt">) => ({
    hostname: alias.hostname,
    projectId: alias.projectId,
    deploymentId: alias.deploymentId,
    kind: alias.kind,
    updatedAt: nowIso(),
    canary: alias.canary ? JSON.stringify(alias.canary) : null,
  });

  return {
    async set(alias) {
      return set.run(rowOf(alias)).changes === 1;
    },
    async setIf(alias, expectedDeploymentId) {
      const row = rowOf(alias);
      if (expectedDeploymentId === null) return insertIfAbsent.run(row).changes === 1;
      return updateIf.run({ ...row, expected: expectedDeploymentId }).changes === 1;
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
