import type { Project } from "../domain/model.ts";
import { productionHostname } from "./aliases.ts";
import type { CoreDeps } from "./deps.ts";

/** A canary release in progress: who takes what share of production, since when, beside whom. */
export interface RunningCanary {
  deploymentId: string;
  percent: number;
  startedAt: string;
  /** The deployment serving the rest of production's requests. */
  productionDeploymentId: string;
}

/**
 * The project's running canary, read where the edge reads it (its production alias), for the
 * API, CLI and dashboard to show; null when there is none.
 */
export async function runningCanary(
  deps: Pick<CoreDeps, "store" | "urls">,
  project: Project,
): Promise<RunningCanary | null> {
  const production = await deps.store.aliases.get(productionHostname(deps, project));
  if (!production?.canary || production.projectId !== project.id) return null;
  const { deploymentId, percent, startedAt } = production.canary;
  return { deploymentId, percent, startedAt, productionDeploymentId: production.deploymentId };
}
