import type { Alias, Deployment, Project } from "../domain/model.ts";
import { branchHostLabel, deploymentHostLabel } from "../domain/names.ts";
import { SlipwayError } from "../errors.ts";
import { canaryEndedByMove } from "./canary-ended.ts";
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
 * Returns the hostnames the store refused because another project owns them (only possible for
 * projects created before colliding names were refused): they keep serving their owner.
 */
export async function pointAliases(
  deps: Pick<CoreDeps, "store" | "urls" | "logs" | "queue">,
  project: Project,
  deployment: Deployment,
): Promise<string[]> {
  const refused = await pointBranchAlias(deps, project, deployment);
  if (deployment.environment === "production") {
    // A newer production deploy ends a canary on it (the canary was tried against the old one).
    const ended = (before: Alias | null) => canaryEndedByMove(deps, before, deployment.id);
    refused.push(
      ...(await pointIfNewer(deps, productionHostname(deps, project), "production", project, deployment, ended)),
    );
  }
  const hostname = deploymentHostname(deps, project, deployment.id);
  const own = await deps.store.aliases.set({
    hostname,
    projectId: project.id,
    deploymentId: deployment.id,
    kind: "deployment",
  });
  if (!own) refused.push(hostname);
  return refused;
}

/** True once `pointAliases` ran to its end for this deployment. */
export async function aliasesPointed(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
  deploymentId: string,
): Promise<boolean> {
  const own = await deps.store.aliases.get(deploymentHostname(deps, project, deploymentId));
  return own?.deploymentId === deploymentId;
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

/**
 * Moves a shared URL to `deployment` unless it already serves a newer one. Compare-and-set on the
 * alias's current target: when two deployments finish together, the loser of the write sees the
 * winner's value on its next read and stops if the winner is newer; production never moves back.
 * Returns `[hostname]` when another project owns it, else `[]`.
 */
async function pointIfNewer(
  deps: Pick<CoreDeps, "store">,
  hostname: string,
  kind: "branch" | "production",
  project: Project,
  deployment: Deployment,
  moved: (before: Alias | null) => Promise<void> = async () => undefined,
): Promise<string[]> {
  const alias = { hostname, projectId: project.id, deploymentId: deployment.id, kind };
  for (;;) {
    const current = await deps.store.aliases.get(hostname);
    // The store's owner check is what holds under races; this read only ends the loop.
    if (current && current.projectId !== project.id) return [hostname];
    if (current?.deploymentId === deployment.id) return [];
    const currentDeployment = current ? await deps.store.deployments.get(current.deploymentId) : null;
    if (currentDeployment && currentDeployment.createdAt > deployment.createdAt) return [];
    if (await deps.store.aliases.setIf(alias, current?.deploymentId ?? null)) {
      await moved(current);
      return [];
    }
  }
}

/** Moves production to `deploymentId` for everyone: a canary on it ends (completed when it is the canary). */
export async function setProduction(
  deps: Pick<CoreDeps, "store" | "urls" | "logs" | "queue">,
  project: Project,
  deploymentId: string,
) {
  const hostname = productionHostname(deps, project);
  const before = await deps.store.aliases.get(hostname);
  const written = await deps.store.aliases.set({ hostname, projectId: project.id, deploymentId, kind: "production" });
  if (!written) throw hostnameTaken(hostname, project);
  await canaryEndedByMove(deps, before, deploymentId);
}

function hostnameTaken(hostname: string, project: Project): SlipwayError {
  return new SlipwayError(
    "HOSTNAME_TAKEN",
    `Hostname ${hostname} belongs to another project, not to "${project.name}".`,
    "Two projects were created with colliding names before Slipway refused them; rename or delete one of them.",
  );
}
