import type { ProjectRepo } from "@slipway/core";
import type Database from "better-sqlite3";
import { insertSql, PROJECT_COLUMNS, type ProjectRow, projectFromRow, projectToRow } from "./rows.ts";

export function createProjectRepo(db: Database.Database): ProjectRepo {
  // A taken name is an expected outcome (DO NOTHING → 0 changes); a reused id stays a fault.
  const insert = db.prepare(`${insertSql("projects", PROJECT_COLUMNS)} ON CONFLICT (name) DO NOTHING`);
  const get = db.prepare<[string], ProjectRow>("SELECT * FROM projects WHERE id = ?");
  const getByName = db.prepare<[string], ProjectRow>("SELECT * FROM projects WHERE name = ?");
  const list = db.prepare<[], ProjectRow>("SELECT * FROM projects ORDER BY name");
  const assignUnowned = db.prepare<[string]>("UPDATE projects SET team_id = ? WHERE team_id IS NULL");
  const updateSecrets = db.prepare(
    `UPDATE projects SET
       repo_url = coalesce(@repoUrl, repo_url),
       repo_credential_encrypted = CASE WHEN @setCredential THEN @repoCredentialEncrypted ELSE repo_credential_encrypted END,
       webhook_secret = coalesce(@webhookSecretEncrypted, webhook_secret)
     WHERE id = @id`,
  );

  // Only the fields the patch names: a set_* flag per field, since null is a value for commands.
  const update = db.prepare(
    `UPDATE projects SET
       production_branch = CASE WHEN @setBranch THEN @productionBranch ELSE production_branch END,
       root_dir = CASE WHEN @setRootDir THEN @rootDir ELSE root_dir END,
       install_command = CASE WHEN @setInstall THEN @installCommand ELSE install_command END,
       build_command = CASE WHEN @setBuild THEN @buildCommand ELSE build_command END,
       node_version = coalesce(@nodeVersion, node_version)
     WHERE id = @id`,
  );
  // Deployments, aliases and env vars go with the project (ON DELETE CASCADE); webhook deliveries
  // have no foreign key, so they go in the same transaction.
  const removeDeliveries = db.prepare<[string]>("DELETE FROM webhook_deliveries WHERE project_id = ?");
  const removeProject = db.prepare<[string]>("DELETE FROM projects WHERE id = ?");
  const remove = db.transaction((id: string) => {
    removeDeliveries.run(id);
    return removeProject.run(id).changes === 1;
  });

  return {
    async create(project) {
      return insert.run(projectToRow(project)).changes === 1;
    },
    async get(id) {
      const row = get.get(id);
      return row ? projectFromRow(row) : null;
    },
    async getByName(name) {
      const row = getByName.get(name);
      return row ? projectFromRow(row) : null;
    },
    async list() {
      return list.all().map(projectFromRow);
    },
    async assignUnowned(teamId) {
      return assignUnowned.run(teamId).changes;
    },
    async updateSecrets(id, patch) {
      updateSecrets.run({
        id,
        repoUrl: patch.repoUrl ?? null,
        // null is a value here (no credential any more), so "absent" needs its own flag.
        setCredential: patch.repoCredentialEncrypted === undefined ? 0 : 1,
        repoCredentialEncrypted: patch.repoCredentialEncrypted ?? null,
        webhookSecretEncrypted: patch.webhookSecretEncrypted ?? null,
      });
    },
    async update(id, patch) {
      const flag = (value: unknown) => (value === undefined ? 0 : 1);
      update.run({
        id,
        setBranch: flag(patch.productionBranch),
        productionBranch: patch.productionBranch ?? null,
        setRootDir: flag(patch.rootDir),
        rootDir: patch.rootDir ?? null,
        setInstall: flag(patch.installCommand),
        installCommand: patch.installCommand ?? null,
        setBuild: flag(patch.buildCommand),
        buildCommand: patch.buildCommand ?? null,
        nodeVersion: patch.nodeVersion ?? null,
      });
      const row = get.get(id);
      return row ? projectFromRow(row) : null;
    },
    async delete(id) {
      return remove.immediate(id);
    },
  };
}
