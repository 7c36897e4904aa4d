import { nowIso } from "../domain/ids.ts";
import { ACTIVE_STATUSES, type Deployment } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";

/**
 * Cancels a queued or running deployment. Finished deployments are left alone (an error). Only the
 * status changes here, in whichever process serves the call: the build's watcher sees it at its
 * next look (about a second) and stops the build through the Builder, and activation checks it
 * before anything moves.
 */
/** What canceling needs: a build still running is stopped by the pipeline, which sees the status. */
export type CancelDeps = Pick<CoreDeps, "store" | "logs">;

export async function cancelDeployment(deps: CancelDeps, deployment: Deployment, reason: string): Promise<Deployment> {
  const canceled = await deps.store.deployments.transition(deployment.id, ACTIVE_STATUSES, "canceled", {
    statusReason: reason,
    finishedAt: nowIso(),
  });
  if (!canceled) {
    const current = await deps.store.deployments.get(deployment.id);
    throw new SlipwayError(
      "DEPLOYMENT_FINISHED",
      `Deployment ${deployment.id} is already ${current?.status ?? "gone"}; only queued or running deployments can be canceled.`,
    );
  }
  await deps.logs.append(deployment.id, [{ at: nowIso(), stream: "system", text: `✗ Canceled: ${reason}` }]);
  return (await deps.store.deployments.get(deployment.id)) ?? deployment;
}

/** A newer push to a branch makes older, unfinished deployments of that branch pointless. */
export async function cancelSuperseded(deps: CancelDeps, newer: Deployment): Promise<void> {
  const reason = `superseded by ${newer.id} (${newer.commit.sha.slice(0, 7)}) on ${newer.commit.branch}`;
  await cancelActive(
    deps,
    (older) =>
      older.projectId === newer.projectId &&
      older.id !== newer.id &&
      older.commit.branch === newer.commit.branch &&
      older.createdAt <= newer.createdAt,
    reason,
  );
}

/**
 * Closing a pull request removes its branch URL; a preview of that branch still building would put
 * the URL back when it finishes, so it is canceled too. Production builds are left alone: a pull
 * request from the production branch must not stop a production deploy.
 */
export async function cancelBranchPreviews(
  deps: CancelDeps,
  projectId: string,
  branch: string,
  reason: string,
): Promise<void> {
  await cancelActive(
    deps,
    (d) => d.projectId === projectId && d.commit.branch === branch && d.environment === "preview",
    reason,
  );
}

async function cancelActive(deps: CancelDeps, matches: (d: Deployment) => boolean, reason: string): Promise<void> {
  for (const deployment of await deps.store.deployments.listByStatus(ACTIVE_STATUSES)) {
    if (!matches(deployment)) continue;
    try {
      await cancelDeployment(deps, deployment, reason);
    } catch (error) {
      // It finished between the listing and the cancel: nothing to do.
      if (!(error instanceof SlipwayError)) throw error;
    }
  }
}
