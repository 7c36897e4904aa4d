/**
 * The message a scheduled EventBridge rule puts on the step queue every few minutes
 * (packages/aws, BuildProject's `reconcileRule`): the AWS target's `slipway up` sweeper. The steps
 * handler answers it with `resumeStalledDeployments`, the safety net under lost messages. Builds
 * need no more than that: a building deployment's watch step polls `BatchGetBuilds` every few
 * seconds while its message lives, and the state-change events only shortcut that; when the
 * message is lost, the resumed start step finds the recorded build and a new watcher polls it.
 */
export const RESUME_STALLED_MESSAGE = { type: "pipeline.resume-stalled" } as const;

/** How often the rule fires: a stalled deployment waits at most the stall time plus this. */
export const RESUME_STALLED_EVERY_MINUTES = 5;

/**
 * The message a daily EventBridge rule puts on the step queue (packages/aws, SiteCostSchedule):
 * the steps handler answers it by fetching the sites' costs from Cost Explorer into the table.
 */
export const SITE_COSTS_REFRESH_MESSAGE = { type: "costs.refresh" } as const;

/** The UTC hour it fires: Cost Explorer has usually settled the previous day by then. */
export const SITE_COSTS_REFRESH_HOUR_UTC = 7;
