/**
 * The step messages of a canary release (handled in canary-steps.ts), run where the target's CanaryWatch has its rights (on AWS the
 * step Lambda, not the API). Each re-reads the production alias, so a message that comes twice,
 * late or out of order does the right thing: watch only a canary still running, stop watching
 * only one that has ended, cancel only the canary the alarm was about.
 */

/** Starts watching the canary's errors. */
export const CANARY_WATCH_JOB = "canary.watch";
/** Stops watching a canary that ended (completed, cancelled, replaced). */
export const CANARY_UNWATCH_JOB = "canary.unwatch";
/** The canary's errors crossed the watch's threshold (on AWS: its CloudWatch alarm went to ALARM). */
export const CANARY_ALARM_JOB = "canary.alarm";

export interface CanaryJobPayload {
  deploymentId: string;
}

export interface CanaryAlarmPayload {
  deploymentId: string;
  /** Why, as the watch tells it (the alarm's state reason), for the deployment's log. */
  reason: string;
}
