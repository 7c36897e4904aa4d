import { SITE_COSTS_REFRESH_HOUR_UTC, SITE_COSTS_REFRESH_MESSAGE } from "@slipway/aws-runtime/schedule";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { requireIntegerIn } from "./invalid-prop.ts";

export interface SiteCostScheduleProps {
  /** The step queue: the rule puts the refresh message on it, the steps handler runs it. */
  readonly stepsQueue: sqs.IQueue;
  /** The steps handler's role: it calls Cost Explorer and CloudWatch. */
  readonly stepsRole: iam.IRole;
  /** The rule's name, so the key policy can name its ARN without a reference back. */
  readonly ruleName: string;
  /**
   * The UTC hour of the daily fetch.
   * @default SITE_COSTS_REFRESH_HOUR_UTC (07:00 UTC)
   */
  readonly hourUtc?: number;
}

/**
 * Cost per site, fetched once a day: a scheduled rule sends the refresh message to the step
 * queue, and the steps handler reads Cost Explorer (grouped by the `slipway:site` tag, $0.01 a
 * request page) and the sites' invocations from CloudWatch into the table. Reads of the cost
 * route never call Cost Explorer. Cost Explorer and GetMetricData have no resource-level
 * permissions, so those grants are on `*` (acknowledged in nag-acknowledgements.ts).
 */
export class SiteCostSchedule extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SiteCostScheduleProps) {
    super(scope, id);
    const hour = requireIntegerIn("SiteCostSchedule", "hourUtc", props.hourUtc ?? SITE_COSTS_REFRESH_HOUR_UTC, 0, 23);
    this.rule = new events.Rule(this, "Daily", {
      ruleName: props.ruleName,
      description: "Slipway: once a day, fetch the cost per site from Cost Explorer into the table",
      schedule: events.Schedule.cron({ minute: "0", hour: String(hour) }),
      targets: [
        new targets.SqsQueue(props.stepsQueue, {
          message: events.RuleTargetInput.fromObject(SITE_COSTS_REFRESH_MESSAGE),
        }),
      ],
    });
    props.stepsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["ce:GetCostAndUsage", "ce:UpdateCostAllocationTagsStatus", "cloudwatch:GetMetricData"],
        resources: ["*"],
      }),
    );
  }
}
