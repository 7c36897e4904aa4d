import type { Project } from "../domain/model.ts";
import type { CoreDeps } from "./deps.ts";

/**
 * Keeps the newest `settings.retainDeployments` deployments of a project, plus
 * every deployment an alias points to (production, branches, custom domains, and so any rollback
 * target a user is looking at). The others lose their artifact and runtime files; their record
 * and build log stay. A removed deployment cannot be promoted again (it would need a rebuild).
 */
export async function pruneDeployments(deps: CoreDeps, project: Project): Promise<string[]> {
  // Every deployment has an alias of its own; only the shared ones (production, branch, custom) pin it.
  // A canary is pinned too: it serves a share of production.
  const pinned = new Set(
    (await deps.store.aliases.listByProject(project.id))
      .filter((a) => a.kind !== "deployment")
      .flatMap((a) => (a.canary ? [a.deploymentId, a.canary.deploymentId] : [a.deploymentId])),
  );
  const history = await deps.store.deployments.listByProject(project.id);
  const removed: string[] = [];
  for (const deployment of history.slice(deps.settings.retainDeployments)) {
    const finished = deployment.status === "ready" || deployment.status === "error" || deployment.status === "canceled";
    if (pinned.has(deployment.id) || !deployment.artifactKey || !finished) continue;
    // Runtime files first: once the artifact is gone the deployment must not be half-served.
    await deps.deployer.deactivate(deployment.id);
    await deps.blobs.delete(deployment.artifactKey);
    await deps.store.deployments.update(deployment.id, { artifactKey: null });
    // Its own URL would only answer with an error now; a 404 for an unknown host is clearer.
    for (const alias of await deps.store.aliases.listByDeployment(deployment.id)) {
      await deps.store.aliases.delete(alias.hostname, project.id);
    }
    removed.push(deployment.id);
  }
  return removed;
}
