import { Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { CANARY_ALARM_PREFIX } from "../config.ts";

export interface CanaryAlarmsProps {
  /** The step queue: an alarm's ALARM state change becomes a `canary.alarm` step there. */
  readonly stepsQueue: sqs.IQueue;
  /** The steps' role: it makes and deletes the canary alarms. */
  readonly stepsRole: iam.IRole;
  /** The rule's name, so the key policy can name its ARN before the rule exists. */
  readonly ruleName: string;
}

/**
 * Automatic rollback of canary releases. The steps make one CloudWatch alarm per canary
 * (`slipway-canary-<deployment>`, on its server function's errors) and delete it when the canary
 * ends; this rule sends those alarms' changes to ALARM, and no other alarm's, to the step queue,
 * whose step cancels the canary. Event-driven rather than polled: nothing runs (or costs) while
 * canaries are healthy, and the rollback follows the alarm within seconds. The steps' rights are
 * on alarms with the canary prefix only.
 */
export class CanaryAlarms extends Construct {
  readonly rule: events.Rule;
  /** `arn:…:alarm:slipway-canary-*`: what the steps may write. */
  readonly alarmArnPattern: string;

  constructor(scope: Construct, id: string, props: CanaryAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.alarmArnPattern = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${CANARY_ALARM_PREFIX}*`;
    this.rule = new events.Rule(this, "AlarmStateChange", {
      ruleName: props.ruleName,
      description: "Slipway: canary alarms going to ALARM, to the step queue (the canary is cancelled)",
      eventPattern: {
        source: ["aws.cloudwatch"],
        detailType: ["CloudWatch Alarm State Change"],
        detail: { alarmName: [{ prefix: CANARY_ALARM_PREFIX }], state: { value: ["ALARM"] } },
      },
      targets: [new targets.SqsQueue(props.stepsQueue)],
    });
    props.stepsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // TagResource: the alarms carry the site and deployment tags (PutMetricAlarm's Tags).
        actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"],
        resources: [this.alarmArnPattern],
      }),
    );
  }
}
