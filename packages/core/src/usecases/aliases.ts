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
 * Points the aliases of a freshly ready deployment: its branch URL, production when it is a
 * production deployment, and its own URL last, which marks the moves as done (see
 * `aliasesPointed`). Shared URLs only move forward: an older build that finishes late never
 * overrides a newer one (rollback is the way to go back).
 */
export async function pointAliases(deps: Pick<CoreDeps, "store" | "urls">, project: Project, deployment: Deployment) {
  await pointBranchAlias(deps, project, deployment);
  if (deployment.environment === "production") {
    await pointIfNewer(deps, productionHostname(deps, project), "production", project, deployment);
  }
  await deps.store.aliases.set({
    hostname: deploymentHostname(deps, project, deployment.id),
    projectId: project.id,
    deploymentId: deployment.id,
    kind: "deployment",
  });
}

/** True once `pointAliases` ran to its end for this deployment. */
export async function aliasesPointed(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deploymentId: string,
): Promise<boolean> {
  return (await deps.store.aliases.get(deploymentHostname(deps, project, deploymentId))) !== null;
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

/**
 * Moves a shared URL to `deployment` unless it already serves a newer one. Compare-and-set on the
 * alias's current target: when two deployments finish together, the loser of the write sees the
 * winner's value on its next read and stops if the winner is newer; production never moves back.
 */
async function pointIfNewer(
  deps: Pick<CoreDeps, "store">,
  hostname: string,
  kind: "branch" | "production",
  project: Project,
  deployment: Deployment,
): Promise<void> {
  const alias = { hostname, projectId: project.id, deploymentId: deployment.id, kind };
  for (;;) {
    const current = await deps.store.aliases.get(hostname);
    if (current?.deploymentId === deployment.id) return;
    const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
    if (currentDeployment && currentDeployment.createdAt > deployment.createdAt) return;
    if (await deps.store.aliases.setIf(alias, current?.deploymentId ?? null)) return;
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
