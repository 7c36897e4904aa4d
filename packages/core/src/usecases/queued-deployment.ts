import { nowIso } from "../domain/ids.ts";
import type { Deployment, Project } from "../domain/model.ts";
import type { CoreDeps } from "./deps.ts";
import { snapshotEnv } from "./env-snapshot.ts";
import { DEPLOY_JOB, type DeployJobPayload } from "./pipeline/jobs.ts";

/** What differs between a deployment queued from a commit and one queued with its built artifact. */
export type QueuedDeploymentFields = Pick<Deployment, "id" | "environment" | "commit" | "trigger" | "artifactKey">;

/**
 * Stores a new `queued` deployment of `project` with its env vars snapshotted now (later edits only
 * affect later deployments) and its first pipeline message in the same transaction: no crash can
 * strand it.
 */
export async function storeQueuedDeployment(
  deps: Pick<CoreDeps, "store" | "secrets">,
  project: Project,
  fields: QueuedDeploymentFields,
): Promise<Deployment> {
  const deployment: Deployment = {
    id: fields.id,
    projectId: project.id,
    environment: fields.environment,
    status: "queued",
    statusReason: null,
    commit: fields.commit,
    trigger: fields.trigger,
    artifactKey: fields.artifactKey,
    envSnapshot: null,
    createdAt: nowIso(),
    buildStartedAt: null,
    readyAt: null,
    finishedAt: null,
  };
  deployment.envSnapshot = await snapshotEnv(deps, project, deployment);
  await deps.store.deployments.create(deployment, [
    { type: DEPLOY_JOB, payload: { deploymentId: deployment.id } satisfies DeployJobPayload },
  ]);
  return deployment;
}
