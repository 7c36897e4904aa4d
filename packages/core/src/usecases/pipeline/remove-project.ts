import { ACTIVE_STATUSES, type Project } from "../../domain/model.ts";
import { SlipwayError } from "../../errors.ts";
import { cancelDeployment } from "../cancel.ts";
import type { CoreDeps } from "../deps.ts";
import { REMOVE_PROJECT_JOB, type RemoveProjectPayload, WATCH_INTERVAL_MS } from "./jobs.ts";

/**
 * Asks for a project's removal: one durable queue message, so the removal survives a crash of
 * whichever process runs it (the queue hands the message out again until a run finishes). Asking
 * twice is harmless: every part of the removal is idempotent.
 */
export async function requestProjectRemoval(deps: Pick<CoreDeps, "queue">, project: Project): Promise<void> {
  const payload: RemoveProjectPayload = { projectId: project.id };
  await deps.queue.enqueue(REMOVE_PROJECT_JOB, payload);
}

/** Builds see a cancel at their watcher's next look (each second): a few looks, then removal goes on. */
const BUILD_STOP_WAIT_MS = 3 * WATCH_INTERVAL_MS;

export type RemovalOutcome = "removed" | "already-gone" | "waiting-for-builds";

/**
 * The removal step, in an order that keeps every intermediate state safe to serve and to resume:
 * unfinished deployments are canceled (running builds get a few seconds to be stopped by their
 * watchers, which need the deployment's row); the URLs stop answering (aliases) before the
 * deployments they point to go (workers stopped, deployed folders and artifacts deleted, the edge
 * forgets them through the deployer); then build logs and build caches; the store's records
 * (project, deployments, env vars and secrets, webhook deliveries) go last, in one delete. A crash
 * anywhere leaves the project row, so the redelivered message, or the next `projects rm`, finishes.
 */
export async function removeProjectStep(deps: CoreDeps, projectId: string): Promise<RemovalOutcome> {
  const project = await deps.store.projects.get(projectId);
  if (!project) return "already-gone";

  // A build or an activation may still be writing (a build's artifact, an activation's unpacked
  // folder): both stop at their next look at the status, so the removal waits for that look.
  let inFlight = false;
  for (const deployment of await deps.store.deployments.listByStatus(ACTIVE_STATUSES)) {
    if (deployment.projectId !== projectId) continue;
    inFlight ||= deployment.status === "building" || deployment.status === "deploying";
    try {
      await cancelDeployment(deps, deployment, `project ${project.name} is being removed`);
    } catch (error) {
      // It finished between the listing and the cancel: it is removed below like any other.
      if (!(error instanceof SlipwayError)) throw error;
    }
  }
  if (inFlight) {
    await deps.queue.enqueue(REMOVE_PROJECT_JOB, { projectId } satisfies RemoveProjectPayload, {
      delayMs: BUILD_STOP_WAIT_MS,
    });
    return "waiting-for-builds";
  }

  for (const alias of await deps.store.aliases.listByProject(projectId)) {
    await deps.store.aliases.delete(alias.hostname, projectId);
  }
  for (const deployment of await deps.store.deployments.listByProject(projectId)) {
    await deps.deployer.deactivate(deployment.id);
    if (deployment.artifactKey) await deps.blobs.delete(deployment.artifactKey);
    await deps.logs.deleteDeployment(deployment.id);
  }
  await deps.buildCache.clear(projectId);
  await deps.telemetry?.deleteProject(projectId);
  await deps.store.projects.delete(projectId);
  return "removed";
}
