import { CANARY_ALARM_JOB, type CanaryAlarmPayload } from "@slipway/core";
import { deploymentOfCanaryAlarm } from "./alarm-names.ts";

/** The part of EventBridge's "CloudWatch Alarm State Change" event the steps read. */
interface AlarmStateChangeEvent {
  source: "aws.cloudwatch";
  "detail-type": "CloudWatch Alarm State Change";
  detail: { alarmName: string; state: { value: string; reason?: string } };
}

export function isAlarmEvent(body: unknown): body is AlarmStateChangeEvent {
  const event = body as Partial<AlarmStateChangeEvent> | null;
  return (
    event?.source === "aws.cloudwatch" &&
    event["detail-type"] === "CloudWatch Alarm State Change" &&
    typeof event.detail?.alarmName === "string" &&
    typeof event.detail.state?.value === "string"
  );
}

/**
 * A canary alarm that went to ALARM, as the `canary.alarm` step; null for any other alarm or state
 * (OK, INSUFFICIENT_DATA: nothing to do). The stack's rule sends only canary alarms' ALARM
 * changes, but a queue message is checked anyway.
 */
export function canaryJobFromAlarmEvent(
  event: AlarmStateChangeEvent,
): { type: string; payload: CanaryAlarmPayload } | null {
  if (event.detail.state.value !== "ALARM") return null;
  const deploymentId = deploymentOfCanaryAlarm(event.detail.alarmName);
  if (deploymentId === null) return null;
  const reason = typeof event.detail.state.reason === "string" ? event.detail.state.reason : "error alarm";
  return { type: CANARY_ALARM_JOB, payload: { deploymentId, reason } };
}
