import type { Deployment, Project } from "../domain/model.ts";
import { branchHostLabel, deploymentHostLabel } from "../domain/names.ts";
import type { CoreDeps } from "./deps.ts";

export function deploymentHostname(deps: Pick<CoreDeps, "urls">, project: Project, deploymentId: string): string {
  return deps.urls.hostname(deploymentHostLabel(project.name, deploymentId));
}

export function branchHostname(deps: Pick<CoreDeps, "urls">, project: Project, branch: string): string {
  return deps.urls.hostname(branchHostLabel(project.name, branch));
}

export function productionHostname(deps: Pick<CoreDeps, "urls">, project: Project): string {
  return deps.urls.hostname(project.name);
}

/**
 * Points the aliases of a freshly ready deployment: its own URL always, its branch URL, and
 * production when it is a production deployment. Shared URLs only move forward: an older build
 * that finishes late never overrides a newer one (rollback is the way to go back).
 */
export async function pointAliases(deps: Pick<CoreDeps, "store" | "urls">, project: Project, deployment: Deployment) {
  await deps.store.aliases.set({
    hostname: deploymentHostname(deps, project, deployment.id),
    projectId: project.id,
    deploymentId: deployment.id,
    kind: "deployment",
  });
  await pointBranchAlias(deps, project, deployment);
  if (deployment.environment === "production") {
    await pointIfNewer(deps, productionHostname(deps, project), "production", project, deployment);
  }
}

/** The branch URL follows the newest ready deployment of its branch (never an older one). */
export async function pointBranchAlias(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deployment: Deployment,
): Promise<void> {
  if (!deployment.commit.branch) return;
  await pointIfNewer(deps, branchHostname(deps, project, deployment.commit.branch), "branch", project, deployment);
}

async function pointIfNewer(
  deps: Pick<CoreDeps, "store">,
  hostname: string,
  kind: "branch" | "production",
  project: Project,
  deployment: Deployment,
): Promise<void> {
  const current = await deps.store.aliases.get(hostname);
  const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
  if (!currentDeployment || currentDeployment.createdAt <= deployment.createdAt) {
    await deps.store.aliases.set({ hostname, projectId: project.id, deploymentId: deployment.id, kind });
  }
}

export async function setProduction(deps: Pick<CoreDeps, "store" | "urls">, project: Project, deploymentId: string) {
  await deps.store.aliases.set({
    hostname: productionHostname(deps, project),
    projectId: project.id,
    deploymentId,
    kind: "production",
  });
}
