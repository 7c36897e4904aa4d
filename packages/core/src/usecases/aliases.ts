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
 * production when it is a production deployment newer than the one serving now (an older build
 * that finishes late never overrides a newer one; rollback is the way to go back).
 */
export async function pointAliases(deps: Pick<CoreDeps, "store" | "urls">, project: Project, deployment: Deployment) {
  const aliases = deps.store.aliases;
  await aliases.set({
    hostname: deploymentHostname(deps, project, deployment.id),
    projectId: project.id,
    deploymentId: deployment.id,
    kind: "deployment",
  });
  await pointBranchAlias(deps, project, deployment);
  if (deployment.environment === "production") {
    const current = await aliases.production(project.id);
    const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
    if (!currentDeployment || currentDeployment.createdAt <= deployment.createdAt) {
      await setProduction(deps, project, deployment.id);
    }
  }
}

/** The branch URL follows the newest ready deployment of its branch (never an older one). */
export async function pointBranchAlias(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deployment: Deployment,
): Promise<void> {
  if (!deployment.commit.branch) return;
  const hostname = branchHostname(deps, project, deployment.commit.branch);
  const current = await deps.store.aliases.get(hostname);
  const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
  if (!currentDeployment || currentDeployment.createdAt <= deployment.createdAt) {
    await deps.store.aliases.set({ hostname, projectId: project.id, deploymentId: deployment.id, kind: "branch" });
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
