import type { Deployment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { productionHostname, setProduction } from "./aliases.ts";
import { type CanaryDeps, cancelCanary, startCanary } from "./canary.ts";
import { readyDeploymentOf } from "./ready-deployment.ts";

export interface PromoteOptions {
  /** Send only this share (1–99 %) of production to the deployment: a canary release. */
  canary?: number;
}

/**
 * Moves production to any ready deployment of the project (previews included). Only the alias
 * row changes: no build, no copy, so it takes effect on the next request. With `canary`, only a
 * share of production moves (see startCanary); without, a running canary ends (completed when
 * the deployment is the canary).
 */
export async function promote(
  deps: CanaryDeps,
  project: Project,
  deploymentId: string,
  options: PromoteOptions = {},
): Promise<Deployment> {
  if (options.canary !== undefined) return startCanary(deps, project, deploymentId, options.canary);
  const deployment = await readyDeploymentOf(deps, project, deploymentId);
  await setProduction(deps, project, deployment.id);
  return deployment;
}

/**
 * Without a target: while a canary runs, cancels it (production stays where it is, all of it);
 * else the ready production deployment that served before the current one.
 */
export async function rollback(deps: CanaryDeps, project: Project, deploymentId?: string): Promise<Deployment> {
  if (deploymentId) return promote(deps, project, deploymentId);
  if (await cancelCanary(deps, project, "rolled back by a user")) {
    const production = await deps.store.aliases.get(productionHostname(deps, project));
    const serving = production ? await deps.store.deployments.get(production.deploymentId) : null;
    if (serving) return serving;
  }
  const current = await deps.store.aliases.production(project.id);
  const history = await deps.store.deployments.listByProject(project.id);
  const currentDeployment = history.find((d) => d.id === current?.deploymentId);
  const previous = history.find(
    (d) =>
      d.environment === "production" &&
      d.status === "ready" &&
      d.artifactKey !== null &&
      d.id !== current?.deploymentId &&
      (!currentDeployment || d.createdAt < currentDeployment.createdAt),
  );
  if (!previous) {
    throw new SlipwayError(
      "NO_ROLLBACK_TARGET",
      `Project ${project.name} has no earlier ready production deployment to roll back to.`,
      "Pass a deployment id to promote any ready deployment.",
    );
  }
  return promote(deps, project, previous.id);
}
