import {
  type Deployment,
  type DeploymentPatch,
  type DeploymentRepo,
  type DeploymentStatus,
  nowIso,
  type OutboxMessage,
} from "@slipway/core";
import type Database from "better-sqlite3";
import { prepareInsertJob } from "../queue/insert-job.ts";
import { DEPLOYMENT_COLUMNS, type DeploymentRow, deploymentFromRow, deploymentToRow } from "./deployment-rows.ts";
import { insertSql } from "./rows.ts";

// Patch columns: `undefined` in a patch means "leave as is", `null` means "clear", so each column
// gets a `set_*` flag next to its value and one prepared statement serves every patch shape.
const PATCH_COLUMNS = {
  statusReason: "status_reason",
  artifactKey: "artifact_key",
  envSnapshot: "env_snapshot",
  buildStartedAt: "build_started_at",
  readyAt: "ready_at",
  finishedAt: "finished_at",
  statusReportId: "status_report_id",
} as const satisfies Record<keyof DeploymentPatch, string>;

const PATCH_SET = Object.values(PATCH_COLUMNS)
  .map((column) => `${column} = CASE WHEN @set_${column} THEN @${column} ELSE ${column} END`)
  .join(", ");

function patchParams(patch: DeploymentPatch = {}): Record<string, string | number | null> {
  const params: Record<string, string | number | null> = {};
  for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
    const value = patch[field as keyof DeploymentPatch];
    params[`set_${column}`] = value === undefined ? 0 : 1;
    params[column] = value ?? null;
  }
  return params;
}

interface ListParams {
  projectId: string;
  limit: number;
  before: string | null;
  environment: string | null;
  status: string | null;
}

export function createDeploymentRepo(db: Database.Database): DeploymentRepo {
  const insert = db.prepare(insertSql("deployments", DEPLOYMENT_COLUMNS));
  const get = db.prepare<[string], DeploymentRow>("SELECT * FROM deployments WHERE id = ?");
  // rowid breaks ties between deployments created in the same millisecond: later insert first.
  // One statement for every filter shape (a null parameter matches all); the (project_id,
  // created_at) index serves the order, so a page costs its own rows, not the project's history.
  const listByProject = db.prepare<[ListParams], DeploymentRow>(
    `SELECT * FROM deployments WHERE project_id = @projectId
       AND (@environment IS NULL OR environment = @environment)
       AND (@status IS NULL OR status = @status)
       AND (@before IS NULL OR (created_at, rowid) < (SELECT created_at, rowid FROM deployments WHERE id = @before))
     ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
  );
  const listByStatus = db.prepare<[string], DeploymentRow>(
    "SELECT * FROM deployments WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid",
  );
  const listWithEnvSnapshot = db.prepare<[], DeploymentRow>(
    "SELECT * FROM deployments WHERE env_snapshot IS NOT NULL ORDER BY created_at, rowid",
  );
  // The compare-and-set: one UPDATE whose WHERE re-checks the status, so of two racing actors
  // exactly one sees `changes === 1`, whichever connection or process they run in.
  const transition = db.prepare(
    `UPDATE deployments SET status = @to, updated_at = @updated_at, ${PATCH_SET}
     WHERE id = @id AND status IN (SELECT value FROM json_each(@from))`,
  );
  const update = db.prepare(`UPDATE deployments SET updated_at = @updated_at, ${PATCH_SET} WHERE id = @id`);
  // The outbox: the queue lives in the same file, so the row and its first job commit together.
  const insertJob = prepareInsertJob(db);
  const createTx = db.transaction((deployment: Deployment, outbox: readonly OutboxMessage[]) => {
    insert.run(deploymentToRow(deployment));
    for (const message of outbox) insertJob({ ...message, runAt: Date.now() });
  });

  return {
    async create(deployment, outbox = []) {
      createTx.immediate(deployment, outbox);
    },
    async get(id) {
      const row = get.get(id);
      return row ? deploymentFromRow(row) : null;
    },
    async listByProject(projectId, options) {
      // LIMIT -1 is SQLite for "no limit".
      return listByProject
        .all({
          projectId,
          limit: options?.limit ?? -1,
          before: options?.before ?? null,
          environment: options?.environment ?? null,
          status: options?.status ?? null,
        })
        .map(deploymentFromRow);
    },
    async listByStatus(statuses: readonly DeploymentStatus[]) {
      return listByStatus.all(JSON.stringify(statuses)).map(deploymentFromRow);
    },
    async transition(id, from, to, patch) {
      const result = transition.run({
        id,
        from: JSON.stringify(from),
        to,
        updated_at: nowIso(),
        ...patchParams(patch),
      });
      return result.changes === 1;
    },
    async update(id, patch) {
      update.run({ id, updated_at: nowIso(), ...patchParams(patch) });
    },
    async listWithEnvSnapshot() {
      return listWithEnvSnapshot.all().map(deploymentFromRow);
    },
  };
}
