import type { Deployment } from "../domain/model.ts";

/**
 * Watches a canary deployment's errors while it takes a share of production (AWS: a CloudWatch
 * alarm on its server function). When the errors cross the watch's threshold the target sends a
 * `canary.alarm` step (see usecases/canary-jobs.ts), which cancels the canary. A target without
 * one refuses canary releases.
 */
export interface CanaryWatch {
  readonly name: string;
  /** Starts watching (idempotent: watching again changes nothing). */
  watch(deployment: Deployment): Promise<void>;
  /** Stops watching (idempotent: an unwatched deployment is not an error). */
  unwatch(deploymentId: string): Promise<void>;
}
