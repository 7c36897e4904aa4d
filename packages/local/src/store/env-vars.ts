import type { EnvVar, EnvVarRepo } from "@slipway/core";
import { newId } from "@slipway/core";
import type Database from "better-sqlite3";
import { ENV_VAR_COLUMNS, type EnvVarRow, envVarFromRow, envVarToRow, insertSql } from "./rows.ts";

/**
 * A key may hold different values per target (production value, preview value) and per preview
 * branch. `upsert` makes the new variable the only one for its targets: rows with the same
 * (project, key, branch) lose the targets it covers, and disappear when none are left. Targets it
 * does not cover are never lost, even when the caller reuses the id of the row holding them.
 */
export function createEnvVarRepo(db: Database.Database): EnvVarRepo {
  const insert = db.prepare(insertSql("env_vars", ENV_VAR_COLUMNS));
  const removeById = db.prepare<[string]>("DELETE FROM env_vars WHERE id = ?");
  const siblings = db.prepare<[string, string, string | null], EnvVarRow>(
    "SELECT * FROM env_vars WHERE project_id = ? AND key = ? AND branch IS ?",
  );
  const getById = db.prepare<[string], EnvVarRow>("SELECT * FROM env_vars WHERE id = ?");
  const setTargets = db.prepare<[string, string, string]>("UPDATE env_vars SET targets = ?, id = ? WHERE id = ?");
  const listByProject = db.prepare<[string], EnvVarRow>(
    "SELECT * FROM env_vars WHERE project_id = ? ORDER BY key, branch, created_at, rowid",
  );
  const all = db.prepare<[], EnvVarRow>("SELECT * FROM env_vars ORDER BY project_id, key, branch, created_at, rowid");
  const removeAllBranches = db.prepare<[string, string]>("DELETE FROM env_vars WHERE project_id = ? AND key = ?");
  const removeOneBranch = db.prepare<[string, string, string | null]>(
    "DELETE FROM env_vars WHERE project_id = ? AND key = ? AND branch IS ?",
  );

  // Read-modify-write of several rows: a transaction keeps a concurrent upsert from interleaving.
  const upsert = db.transaction((envVar: EnvVar) => {
    // Same id under another key or branch: an edit that renamed the variable, so it goes whole.
    const sameId = getById.get(envVar.id);
    if (sameId && (sameId.key !== envVar.key || sameId.branch !== envVar.branch)) removeById.run(envVar.id);
    for (const row of siblings.all(envVar.projectId, envVar.key, envVar.branch)) {
      const targets = envVarFromRow(row).targets.filter((t) => !envVar.targets.includes(t));
      // A survivor that holds the incoming id hands it over and keeps its value under a new one.
      const id = row.id === envVar.id ? newId() : row.id;
      if (targets.length === 0) removeById.run(row.id);
      else setTargets.run(JSON.stringify(targets), id, row.id);
    }
    insert.run(envVarToRow(envVar));
  });

  return {
    async upsert(envVar) {
      upsert.immediate(envVar);
    },
    async listByProject(projectId) {
      return listByProject.all(projectId).map(envVarFromRow);
    },
    async delete(projectId, key, filter) {
      // No branch in the filter = every branch; `branch: null` = only the all-branches row.
      const result =
        filter?.branch === undefined
          ? removeAllBranches.run(projectId, key)
          : removeOneBranch.run(projectId, key, filter.branch);
      return result.changes;
    },
    async all() {
      return all.all().map(envVarFromRow);
    },
  };
}
