import type { Deployment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";

export async function findDeployment(
  deps: Pick<CoreDeps, "store">,
  id: string,
): Promise<{ deployment: Deployment; project: Project }> {
  const deployment = await deps.store.deployments.get(id);
  const project = deployment ? await deps.store.projects.get(deployment.projectId) : null;
  if (!deployment || !project) {
    throw new SlipwayError(
      "DEPLOYMENT_NOT_FOUND",
      `No deployment with id "${id}".`,
      "List deployments with `slipway deployments ls --project NAME`.",
    );
  }
  return { deployment, project };
}
