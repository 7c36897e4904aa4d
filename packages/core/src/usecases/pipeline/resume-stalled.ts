import { ACTIVE_STATUSES, type Deployment } from "../../domain/model.ts";
import type { CoreDeps } from "../deps.ts";
import { ACTIVATE_JOB, DEPLOY_JOB, type DeployJobPayload } from "./jobs.ts";

/**
 * How long an unfinished deployment may go without a write before the sweeper re-enqueues its
 * step. Well above any step's run (steps are short; a waiting step stamps a heartbeat every
 * HEARTBEAT_MS), so a healthy deployment is never swept.
 */
export const STALL_AFTER_MS = 5 * 60_000;
/** How often a step that keeps waiting (for a build slot, on a running build) stamps its deployment. */
export const HEARTBEAT_MS = 60_000;

/**
 * The safety net under "every unfinished deployment has a message": a message the queue gave up
 * on (its leases ran out its attempts), or one lost between two writes, would otherwise strand
 * its deployment. Finds unfinished deployments nothing wrote to for `stallAfterMs` (one query) and
 * enqueues the step their status says is due. Steps are idempotent, so resuming one whose message
 * does exist (a very slow step) costs a duplicate delivery and nothing else. Returns their ids.
 */
export async function resumeStalledDeployments(
  deps: Pick<CoreDeps, "store" | "queue">,
  options: { now?: number; stallAfterMs?: number } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  const stallAfterMs = options.stallAfterMs ?? STALL_AFTER_MS;
  const resumed: string[] = [];
  for (const deployment of await deps.store.deployments.listByStatus(ACTIVE_STATUSES)) {
    if (now - lastWriteMs(deployment) <= stallAfterMs) continue;
    // queued and building: the start step (the Builder hands a running build's handle back
    // rather than start a second one); deploying: activation.
    const step = deployment.status === "deploying" ? ACTIVATE_JOB : DEPLOY_JOB;
    await deps.queue.enqueue(step, { deploymentId: deployment.id } satisfies DeployJobPayload);
    // Stamped, so the next sweeps leave it to that message rather than pile up more.
    await deps.store.deployments.update(deployment.id, {});
    resumed.push(deployment.id);
  }
  return resumed;
}

/**
 * For a step that re-enqueues itself to wait: stamps the deployment once a HEARTBEAT_MS, so a
 * long wait (a queue of builds, a long build) is not taken for a stall. One write a minute.
 */
export async function heartbeat(deps: Pick<CoreDeps, "store">, deployment: Deployment): Promise<void> {
  if (Date.now() - lastWriteMs(deployment) >= HEARTBEAT_MS) await deps.store.deployments.update(deployment.id, {});
}

function lastWriteMs(deployment: Deployment): number {
  return Date.parse(deployment.updatedAt ?? deployment.createdAt);
}
