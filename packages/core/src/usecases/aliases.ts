import type { Deployment, Project } from "../domain/model.ts";
import { branchHostLabel, deploymentHostLabel } from "../domain/names.ts";
import { SlipwayError } from "../errors.ts";
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
 * Returns the hostnames the store refused because another project owns them (only possible for
 * projects created before colliding names were refused): they keep serving their owner.
 */
export async function pointAliases(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deployment: Deployment,
): Promise<string[]> {
  const refused: string[] = [];
  const hostname = deploymentHostname(deps, project, deployment.id);
  const own = await deps.store.aliases.set({
    hostname,
    projectId: project.id,
    deploymentId: deployment.id,
    kind: "deployment",
  });
  if (!own) refused.push(hostname);
  refused.push(...(await pointBranchAlias(deps, project, deployment)));
  if (deployment.environment === "production") {
    refused.push(...(await pointIfNewer(deps, productionHostname(deps, project), "production", project, deployment)));
  }
  return refused;
}

/** The branch URL follows the newest ready deployment of its branch (never an older one). */
export async function pointBranchAlias(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deployment: Deployment,
): Promise<string[]> {
  if (!deployment.commit.branch) return [];
  return pointIfNewer(deps, branchHostname(deps, project, deployment.commit.branch), "branch", project, deployment);
}

/** Returns `[hostname]` when another project owns it, else `[]`. */
async function pointIfNewer(
  deps: Pick<CoreDeps, "store">,
  hostname: string,
  kind: "branch" | "production",
  project: Project,
  deployment: Deployment,
): Promise<string[]> {
  const current = await deps.store.aliases.get(hostname);
  if (current && current.projectId !== project.id) return [hostname];
  const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
  if (!currentDeployment || currentDeployment.createdAt <= deployment.createdAt) {
    // The read above is only an early answer: the store's owner check is what holds under races.
    const written = await deps.store.aliases.set({
      hostname,
      projectId: project.id,
      deploymentId: deployment.id,
      kind,
    });
    if (!written) return [hostname];
  }
  return [];
}

export async function setProduction(deps: Pick<CoreDeps, "store" | "urls">, project: Project, deploymentId: string) {
  const hostname = productionHostname(deps, project);
  const written = await deps.store.aliases.set({ hostname, projectId: project.id, deploymentId, kind: "production" });
  if (!written) throw hostnameTaken(hostname, project);
}

function hostnameTaken(hostname: string, project: Project): SlipwayError {
  return new SlipwayError(
    "HOSTNAME_TAKEN",
    `Hostname ${hostname} belongs to another project, not to "${project.name}".`,
    "Two projects were created with colliding names before Slipway refused them; rename or delete one of them.",
  );
}
