import { nowIso } from "../domain/ids.ts";
import { type Alias, CANARY_PERCENT_MAX, CANARY_PERCENT_MIN, type Deployment, type Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { productionHostname } from "./aliases.ts";
import { endedCanary } from "./canary-ended.ts";
import { CANARY_WATCH_JOB, type CanaryJobPayload } from "./canary-jobs.ts";
import type { CoreDeps } from "./deps.ts";
import { logSystem } from "./pipeline/report.ts";
import { readyDeploymentOf } from "./ready-deployment.ts";

export type CanaryDeps = Pick<CoreDeps, "store" | "urls" | "logs" | "queue"> & Partial<Pick<CoreDeps, "canaryWatch">>;

/**
 * Starts (or re-weighs) a canary release: `percent`% of the production hostname's requests (and
 * its custom domains') go to `deploymentId`, the rest stay on the current production deployment.
 * State on the production alias only (the edge reads it from there); the target's CanaryWatch
 * then watches the canary's errors from a step (`canary.watch`), so the API needs no rights on it.
 */
export async function startCanary(
  deps: CanaryDeps,
  project: Project,
  deploymentId: string,
  percent: number,
): Promise<Deployment> {
  if (!Number.isInteger(percent) || percent < CANARY_PERCENT_MIN || percent > CANARY_PERCENT_MAX) {
    throw new SlipwayError(
      "INVALID_CANARY",
      `Canary share ${JSON.stringify(percent)} is not a whole percent from ${CANARY_PERCENT_MIN} to ${CANARY_PERCENT_MAX}.`,
      "Pass e.g. `--canary 10`; promote without --canary to send all traffic.",
    );
  }
  if (!deps.canaryWatch) {
    throw new SlipwayError(
      "CANARY_UNSUPPORTED",
      "Canary releases need an edge that splits production's traffic, and this installation has none (an AWS stack deployed without --sites-domain).",
      "Promote without --canary to move all of production, or deploy the stack with its edge (`slipway aws deploy --sites-domain D`).",
    );
  }
  const deployment = await readyDeploymentOf(deps, project, deploymentId);
  const hostname = productionHostname(deps, project);
  for (;;) {
    const production = await deps.store.aliases.get(hostname);
    if (!production || production.projectId !== project.id) {
      throw new SlipwayError(
        "NO_CANARY_BASE",
        `Project ${project.name} has no production deployment at ${hostname} to share traffic with.`,
        `Promote ${deploymentId} without --canary: it becomes production for everyone.`,
      );
    }
    if (production.deploymentId === deployment.id) {
      throw new SlipwayError(
        "NO_CANARY_BASE",
        `Deployment ${deployment.id} already serves all of ${project.name}'s production.`,
        "A canary is a newer deployment taking a share from the current production one.",
      );
    }
    const previous = production.canary;
    const startedAt = previous?.deploymentId === deployment.id ? previous.startedAt : nowIso();
    const canary = { deploymentId: deployment.id, percent, startedAt };
    if (!(await deps.store.aliases.setIf({ ...aliasFields(production), canary }, production.deploymentId))) continue;
    if (previous && previous.deploymentId !== deployment.id) {
      await endedCanary(deps, previous.deploymentId, `replaced by deployment ${deployment.id}`);
    }
    await logSystem(
      deps,
      deployment.id,
      `Canary: ${percent}% of ${hostname} (and its custom domains) now served by this deployment, the rest by ${production.deploymentId}`,
    );
    const payload: CanaryJobPayload = { deploymentId: deployment.id };
    await deps.queue.enqueue(CANARY_WATCH_JOB, payload);
    return deployment;
  }
}

/**
 * Cancels the project's canary: all of production goes back to its production deployment. With
 * `onlyDeploymentId`, only while that deployment is still the canary (an alarm of an older canary
 * must not end a newer one). Returns the cancelled canary's id, or null when there was none.
 */
export async function cancelCanary(
  deps: CanaryDeps,
  project: Project,
  reason: string,
  onlyDeploymentId?: string,
): Promise<string | null> {
  const hostname = productionHostname(deps, project);
  for (;;) {
    const production = await deps.store.aliases.get(hostname);
    const canary = production?.canary;
    if (!production || production.projectId !== project.id || !canary) return null;
    if (onlyDeploymentId !== undefined && canary.deploymentId !== onlyDeploymentId) return null;
    if (!(await deps.store.aliases.setIf(aliasFields(production), production.deploymentId))) continue;
    await endedCanary(
      deps,
      canary.deploymentId,
      `cancelled (${reason}); all of production is back on ${production.deploymentId}`,
    );
    return canary.deploymentId;
  }
}

/** An alias as written back: the same row without its stamp and its canary. */
function aliasFields(alias: Alias): Omit<Alias, "updatedAt" | "canary"> {
  return { hostname: alias.hostname, projectId: alias.projectId, deploymentId: alias.deploymentId, kind: alias.kind };
}
