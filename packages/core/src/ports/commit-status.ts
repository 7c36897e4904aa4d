import type { Deployment, Project } from "../domain/model.ts";

/**
 * Tells the source host how a deployment went (GitHub commit statuses and deployment statuses).
 * Best effort: a failure is logged by the adapter and never fails the deployment.
 */
export interface CommitStatusReporter {
  readonly name: string;
  report(project: Project, deployment: Deployment, url: string): Promise<void>;
}
