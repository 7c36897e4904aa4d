import type { Deployment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";

export async function findDeployment(
  deps: Pick<CoreDeps, "store">,
  id: string,
): Promise<{ deployment: Deployment; project: Project }> {
  const deployment = await deps.store.deployments.get(id);
  const project = deployment ? await deps.store.projects.get(deployment.projectId) : null;
  if (!deployment || !project) throw deploymentNotFound(id);
  return { deployment, project };
}

/** Also what another team's deployment answers, so its existence does not leak. */
export function deploymentNotFound(id: string): SlipwayError {
  return new SlipwayError(
    "DEPLOYMENT_NOT_FOUND",
    `No deployment with id "${id}".`,
    "List deployments with `slipway deployments ls --project NAME`.",
  );
}
