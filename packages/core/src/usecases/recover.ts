import { ACTIVE_STATUSES } from "../domain/model.ts";
import { type CoreDeps, DEPLOY_JOB, type DeployJobPayload } from "./deps.ts";
import { abortAllRunning } from "./running-builds.ts";

/**
 * Run at start. The previous process may have died between recording a deployment and queueing
 * its job, or in the middle of a build; every unfinished deployment gets a job again. Duplicates
 * are harmless: the deploy job does nothing for a deployment that has already finished.
 */
export async function requeueUnfinished(deps: Pick<CoreDeps, "store" | "queue">): Promise<number> {
  const unfinished = await deps.store.deployments.listByStatus(ACTIVE_STATUSES);
  for (const deployment of unfinished) {
    await deps.queue.enqueue(DEPLOY_JOB, { deploymentId: deployment.id } satisfies DeployJobPayload);
  }
  return unfinished.length;
}

/**
 * Run at a graceful stop, before waiting for the job runner: a build can take minutes, longer
 * than a service manager waits before it kills the process anyway. Interrupted deployments keep
 * their status, and `requeueUnfinished` at the next start builds them again.
 */
export function interruptRunningDeployments(reason: string): void {
  abortAllRunning(reason);
}
