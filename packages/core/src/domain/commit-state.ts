import type { DeploymentStatus } from "./model.ts";

/** The state a source host shows next to a commit (GitHub's commit statuses, GitLab's pipelines). */
export type CommitState = "pending" | "success" | "failure" | "error";

export const COMMIT_STATE_OF: Readonly<Record<DeploymentStatus, CommitState>> = {
  queued: "pending",
  building: "pending",
  deploying: "pending",
  ready: "success",
  error: "failure",
  canceled: "error",
};
