import { ago } from "../output.ts";

/** A project's running canary as the API answers it (GET /api/v1/projects/{name}: `canary`). */
export interface CanaryView {
  deploymentId: string;
  percent: number;
  startedAt: string;
  productionDeploymentId: string;
}

/** One line for people: the share, who takes it, since when, and the two ways out. */
export function canaryLine(project: string, canary: CanaryView): string {
  return (
    `canary: ${canary.percent}% → ${canary.deploymentId} since ${ago(canary.startedAt)} ` +
    `(the rest on ${canary.productionDeploymentId}); complete with \`slipway promote ${canary.deploymentId}\`, ` +
    `cancel with \`slipway rollback --project ${project}\``
  );
}
