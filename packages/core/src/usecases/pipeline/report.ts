import { nowIso } from "../../domain/ids.ts";
import type { LogLine, Project } from "../../domain/model.ts";
import { deploymentHostname } from "../aliases.ts";
import type { CoreDeps } from "../deps.ts";

/** A line of Slipway's own in a deployment's log (the build writes its output itself). */
export async function logSystem(deps: Pick<CoreDeps, "logs">, deploymentId: string, text: string): Promise<void> {
  await deps.logs.append(deploymentId, [systemLine(text)]);
}

export function systemLine(text: string): Omit<LogLine, "seq"> {
  return { at: nowIso(), stream: "system", text };
}

/** Best effort: GitHub being down must never fail a deployment. */
export async function reportStatus(deps: CoreDeps, project: Project, deploymentId: string): Promise<void> {
  const deployment = await deps.store.deployments.get(deploymentId);
  if (!deployment || !deps.statusReporter) return;
  await deps.statusReporter
    .report(project, deployment, deps.urls.url(deploymentHostname(deps, project, deployment.id)))
    .catch(() => undefined);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
