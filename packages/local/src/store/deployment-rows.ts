import type { Deployment, DeploymentStatus, Environment } from "@slipway/core";
import { columns } from "./rows.ts";

// The commit is flattened into commit_* columns: it is always read with its deployment.

export interface DeploymentRow {
  id: string;
  project_id: string;
  environment: string;
  status: string;
  status_reason: string | null;
  commit_sha: string;
  commit_branch: string | null;
  commit_message: string | null;
  commit_author: string | null;
  trigger: string;
  artifact_key: string | null;
  env_snapshot: string | null;
  created_at: string;
  build_started_at: string | null;
  ready_at: string | null;
  finished_at: string | null;
  updated_at: string | null;
  status_report_id: string | null;
}

/** Every column, checked by the compiler against the row type so INSERTs cannot miss one. */
export const DEPLOYMENT_COLUMNS = columns<DeploymentRow>({
  id: true,
  project_id: true,
  environment: true,
  status: true,
  status_reason: true,
  commit_sha: true,
  commit_branch: true,
  commit_message: true,
  commit_author: true,
  trigger: true,
  artifact_key: true,
  env_snapshot: true,
  created_at: true,
  build_started_at: true,
  ready_at: true,
  finished_at: true,
  updated_at: true,
  status_report_id: true,
});

export function deploymentFromRow(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    projectId: row.project_id,
    environment: row.environment as Environment,
    status: row.status as DeploymentStatus,
    statusReason: row.status_reason,
    commit: { sha: row.commit_sha, branch: row.commit_branch, message: row.commit_message, author: row.commit_author },
    trigger: row.trigger,
    artifactKey: row.artifact_key,
    envSnapshot: row.env_snapshot,
    createdAt: row.created_at,
    buildStartedAt: row.build_started_at,
    readyAt: row.ready_at,
    finishedAt: row.finished_at,
    // Optional fields: absent rather than null, as on a deployment that was never written to.
    ...(row.updated_at !== null && { updatedAt: row.updated_at }),
    ...(row.status_report_id !== null && { statusReportId: row.status_report_id }),
  };
}

export function deploymentToRow(d: Deployment): DeploymentRow {
  return {
    id: d.id,
    project_id: d.projectId,
    environment: d.environment,
    status: d.status,
    status_reason: d.statusReason,
    commit_sha: d.commit.sha,
    commit_branch: d.commit.branch,
    commit_message: d.commit.message,
    commit_author: d.commit.author,
    trigger: d.trigger,
    artifact_key: d.artifactKey,
    env_snapshot: d.envSnapshot,
    created_at: d.createdAt,
    build_started_at: d.buildStartedAt,
    ready_at: d.readyAt,
    finished_at: d.finishedAt,
    updated_at: d.updatedAt ?? null,
    status_report_id: d.statusReportId ?? null,
  };
}
