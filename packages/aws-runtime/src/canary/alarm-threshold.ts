import { CANARY_ROLLBACK_RULE } from "@slipway/core";

/**
 * When a canary is rolled back: its server function reports at least ERRORS Lambda errors
 * (`AWS/Lambda` `Errors`, summed: uncaught exceptions, timeouts, crashes; not HTTP 5xx answers the
 * app itself returns) within one PERIOD_SECONDS window. One window, one datapoint: a canary that
 * fails fails fast, and the stable deployment takes the traffic back within about two minutes
 * (CloudWatch's metric delay plus the window). A minute without invocations has no datapoint
 * and counts as not breaching: a small canary share with no traffic is not a failure.
 * A count, not a rate: at a 1–10% share most sites see few requests a minute, where a rate is
 * noise (1 error in 2 requests is 50%); 5 errors a minute is a clear signal at any share.
 */
export const CANARY_ALARM_THRESHOLD = {
  errors: CANARY_ROLLBACK_RULE.errors,
  periodSeconds: CANARY_ROLLBACK_RULE.windowSeconds,
  evaluationPeriods: 1,
} as const;
