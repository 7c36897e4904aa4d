/**
 * The deploy pipeline's messages. Each names one step of one deployment; the handler re-reads the
 * deployment and acts only when its status says the step is due (a compare-and-set guards every
 * move), so a message may arrive twice, late, or out of order, in any process.
 *
 *   queued ──build──▶ building ──watch (until the build ends)──▶ deploying ──activate──▶ ready
 *      └──────────────────┴───────────────────────────────────────────┴──▶ canceled | error
 *
 * The first message is written with the deployment itself (transactional outbox); every handler
 * enqueues the next message before its own is completed, so an unfinished deployment always has
 * a message in the queue and a crash between two writes loses nothing.
 */

/** Starts the build (and waits for a build slot). The name is the one older queues hold. */
export const DEPLOY_JOB = "deploy";
/** Polls a started build; re-enqueued with a delay while it runs. */
export const WATCH_BUILD_JOB = "deploy.watch-build";
/** Unpacks and pre-warms, flips to ready, then moves the aliases (also re-done when redelivered). */
export const ACTIVATE_JOB = "deploy.activate";

/** Removes a project and everything it owns (see remove-project.ts); not a deployment's step. */
export const REMOVE_PROJECT_JOB = "project.remove";

export const DEPLOY_STEP_JOBS = [DEPLOY_JOB, WATCH_BUILD_JOB, ACTIVATE_JOB] as const;

export interface DeployJobPayload {
  deploymentId: string;
}

export interface RemoveProjectPayload {
  projectId: string;
}

export interface WatchBuildPayload {
  deploymentId: string;
  /** The Builder's handle of the build being watched. */
  handle: string;
}

/** How often a running build is polled, and how long a deployment waits for a build slot. */
export const WATCH_INTERVAL_MS = 1_000;
