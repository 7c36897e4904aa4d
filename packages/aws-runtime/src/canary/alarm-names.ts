/**
 * Every canary alarm's name starts with this: the steps' IAM policy allows alarm writes on
 * `slipway-canary-*` only, and the stack's EventBridge rule forwards the state changes of these
 * alarms (and no others) to the step queue.
 */
export const CANARY_ALARM_PREFIX = "slipway-canary-";

/** The alarm on one canary deployment's server function errors. */
export function canaryAlarmName(deploymentId: string): string {
  return `${CANARY_ALARM_PREFIX}${deploymentId}`;
}

/** The deployment a canary alarm watches, or null for a name that is no canary alarm's. */
export function deploymentOfCanaryAlarm(alarmName: string): string | null {
  if (!alarmName.startsWith(CANARY_ALARM_PREFIX)) return null;
  const id = alarmName.slice(CANARY_ALARM_PREFIX.length);
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}
