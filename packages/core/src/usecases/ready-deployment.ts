import type { Deployment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";

/** A deployment of `project` that can serve production: ready, its artifact still retained. */
export async function readyDeploymentOf(
  deps: Pick<CoreDeps, "store">,
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
  return deployment;
}
