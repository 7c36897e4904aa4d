import type { Deployment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { setProduction } from "./aliases.ts";
import type { CoreDeps } from "./deps.ts";

/**
 * Moves production to any ready deployment of the project (previews included). Only the alias
 * row changes: no build, no copy, so it takes effect on the next request.
 */
export async function promote(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deploymentId: string,
): Promise<Deployment> {
  const deployment = await deps.store.deployments.get(deploymentId);
  if (!deployment || deployment.projectId !== project.id) {
    throw new SlipwayError("DEPLOYMENT_NOT_FOUND", `Project ${project.name} has no deployment "${deploymentId}".`);
  }
  if (deployment.status !== "ready" || !deployment.artifactKey) {
    throw new SlipwayError(
      "DEPLOYMENT_NOT_READY",
      `Deployment ${deploymentId} is ${deployment.status === "ready" ? "no longer retained" : deployment.status}; only ready deployments can serve production.`,
      `List candidates with \`slipway deployments ls --project ${project.name}\`.`,
    );
  }
  await setProduction(deps, project, deployment.id);
  return deployment;
}

/** Without a target: the ready production deployment that served before the current one. */
export async function rollback(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deploymentId?: string,
): Promise<Deployment> {
  if (deploymentId) return promote(deps, project, deploymentId);
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
