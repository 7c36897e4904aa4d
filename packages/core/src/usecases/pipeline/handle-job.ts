import { nowIso } from "../../domain/ids.ts";
import { ACTIVE_STATUSES } from "../../domain/model.ts";
import type { Job } from "../../ports/queue.ts";
import type { CoreDeps } from "../deps.ts";
import { activateStep } from "./activate.ts";
import {
  ACTIVATE_JOB,
  DEPLOY_JOB,
  DEPLOY_STEP_JOBS,
  type DeployJobPayload,
  REMOVE_PROJECT_JOB,
  type RemoveProjectPayload,
  WATCH_BUILD_JOB,
  type WatchBuildPayload,
} from "./jobs.ts";
import { removeProjectStep } from "./remove-project.ts";
import { errorMessage, logSystem } from "./report.ts";
import { startBuildStep } from "./start-build.ts";
import { watchBuildStep } from "./watch-build.ts";

/**
 * Runs one pipeline message. Throws on a fault (the queue retries it); an unknown or malformed
 * message is dropped, since retrying it cannot help.
 */
export async function handleDeployJob(deps: CoreDeps, job: Pick<Job, "type" | "payload">): Promise<void> {
  if (job.type === REMOVE_PROJECT_JOB) {
    const projectId = (job.payload as Partial<RemoveProjectPayload> | null)?.projectId;
    if (typeof projectId === "string") await removeProjectStep(deps, projectId);
    return;
  }
  const deploymentId = deploymentIdOf(job);
  if (deploymentId === null) return;
  switch (job.type) {
    case DEPLOY_JOB:
      return startBuildStep(deps, deploymentId);
    case WATCH_BUILD_JOB: {
      const handle = (job.payload as Partial<WatchBuildPayload>).handle;
      if (typeof handle === "string") return watchBuildStep(deps, { deploymentId, handle });
      return;
    }
    case ACTIVATE_JOB:
      return activateStep(deps, deploymentId);
  }
}

/** The deployment a pipeline message is about; null for any other message. */
export function deploymentIdOf(job: Pick<Job, "type" | "payload">): string | null {
  if (!(DEPLOY_STEP_JOBS as readonly string[]).includes(job.type)) return null;
  const id = (job.payload as Partial<DeployJobPayload> | null)?.deploymentId;
  return typeof id === "string" ? id : null;
}

/**
 * For a pipeline message the queue is about to give up on (it threw every time): the deployment
 * ends `error` with the last fault as its reason instead of staying unfinished forever.
 */
export async function giveUpDeployment(deps: CoreDeps, deploymentId: string, error: unknown): Promise<void> {
  const reason = `gave up after repeated internal errors: ${errorMessage(error)}`;
  const ended = await deps.store.deployments.transition(deploymentId, ACTIVE_STATUSES, "error", {
    statusReason: reason,
    finishedAt: nowIso(),
  });
  if (ended) await logSystem(deps, deploymentId, `✗ ${reason}`);
}
