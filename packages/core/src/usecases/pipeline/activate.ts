import { nowIso } from "../../domain/ids.ts";
import type { Deployment, Project } from "../../domain/model.ts";
import type { ActivationResult } from "../../ports/deployer.ts";
import { aliasesPointed, deploymentHostname, pointAliases } from "../aliases.ts";
import type { CoreDeps } from "../deps.ts";
import { pruneDeployments } from "../retention.ts";
import { errorMessage, logSystem, reportStatus } from "./report.ts";

/**
 * Step `deploying → ready`, then the aliases. The compare-and-set to `ready` comes first: a cancel
 * that lands during activation wins (the warmed workers are stopped and no alias moves), and one
 * that lands later is refused, so an alias never points at a canceled deployment. Two deliveries
 * at once both activate (the deployer's unpack is idempotent); the loser of the compare-and-set
 * leaves the files alone. A crash after `ready` redelivers this message, which finds the
 * deployment ready and moves the aliases again (each move is idempotent and only goes forward).
 */
export async function activateStep(deps: CoreDeps, deploymentId: string): Promise<void> {
  const store = deps.store.deployments;
  const deployment = await store.get(deploymentId);
  if (!deployment) return;
  const project = await deps.store.projects.get(deployment.projectId);
  if (!project) return;
  if (deployment.status === "ready") return promote(deps, project, deployment);
  if (deployment.status !== "deploying") return;

  const artifactKey = deployment.artifactKey;
  if (!artifactKey || (await deps.blobs.head(artifactKey)) === null) {
    return fail(deps, project, deployment, `the artifact ${artifactKey ?? "(none)"} is missing`);
  }
  await logSystem(deps, deploymentId, "▶ Activating and pre-warming");
  // A throw here (a worker that cannot start in time, a full disk) is an activation failure, not
  // a fault to retry until the queue gives up.
  const activation = await deps.deployer
    .activate(deployment)
    .catch((error: unknown): ActivationResult => ({ ok: false, reason: errorMessage(error) }));
  if (!activation.ok) return fail(deps, project, deployment, activation.reason, "Activation failed");

  const readyAt = nowIso();
  if (!(await store.transition(deploymentId, ["deploying"], "ready", { readyAt, finishedAt: readyAt }))) {
    const now = await store.get(deploymentId);
    // Another delivery of this message (a slow step the sweeper resumed) won: the files are the
    // ones it serves, possibly as production already. Only finish its alias moves.
    if (now?.status === "ready") return promote(deps, project, now);
    // Canceled during activation: nothing will ever route to the warmed workers.
    await deps.deployer.deactivate(deploymentId);
    return;
  }
  const url = deps.urls.url(deploymentHostname(deps, project, deploymentId));
  await logSystem(deps, deploymentId, `✓ Ready (pre-warmed in ${activation.warmMs} ms): ${url}`);
  await promote(deps, project, { ...deployment, status: "ready", readyAt, finishedAt: readyAt });
}

/** After `ready`: the aliases move (forward only), old deployments are pruned, GitHub hears of it. */
async function promote(deps: CoreDeps, project: Project, deployment: Deployment): Promise<void> {
  // A redelivery after the moves finished must not move production again: a rollback may have
  // happened since. Nor may one for a deployment retention already removed.
  if (!deployment.artifactKey || (await aliasesPointed(deps, project, deployment.id))) return;
  for (const hostname of await pointAliases(deps, project, deployment)) {
    await logSystem(deps, deployment.id, `⚠ ${hostname} belongs to another project: it keeps serving that project`);
  }
  await pruneDeployments(deps, project);
  await reportStatus(deps, project, deployment.id);
}

async function fail(
  deps: CoreDeps,
  project: Project,
  deployment: Deployment,
  reason: string,
  what = "Deploy failed",
): Promise<void> {
  const failed = await deps.store.deployments.transition(deployment.id, ["deploying"], "error", {
    statusReason: reason,
    finishedAt: nowIso(),
  });
  if (!failed) return;
  await logSystem(deps, deployment.id, `✗ ${what}: ${reason}`);
  await reportStatus(deps, project, deployment.id);
}
