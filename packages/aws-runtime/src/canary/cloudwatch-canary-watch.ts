import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import type { CanaryWatch } from "@slipway/core";
import { SITE_TAG } from "../cost/tags.ts";
import { siteFunctionName } from "../deployer/names.ts";
import { canaryAlarmName } from "./alarm-names.ts";
import { CANARY_ALARM_THRESHOLD } from "./alarm-threshold.ts";

export interface CloudWatchCanaryWatchOptions {
  readonly client: CloudWatchClient | CloudWatchClientConfig;
}

/**
 * A canary's watch on AWS: one CloudWatch alarm per canary deployment on its server function's
 * errors (CANARY_ALARM_THRESHOLD). The alarm has no actions: its state change reaches the step
 * queue through the stack's EventBridge rule, whose step cancels the canary. PutMetricAlarm
 * replaces an alarm of the same name, so watching again is harmless.
 */
export function createCloudWatchCanaryWatch(options: CloudWatchCanaryWatchOptions): CanaryWatch {
  const client = options.client instanceof CloudWatchClient ? options.client : new CloudWatchClient(options.client);
  return {
    name: "cloudwatch",
    async watch(deployment) {
      const functionName = siteFunctionName(deployment.projectId, deployment.id, "server");
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: canaryAlarmName(deployment.id),
          AlarmDescription: `Slipway canary ${deployment.id}: ${CANARY_ALARM_THRESHOLD.errors}+ errors of ${functionName} in ${CANARY_ALARM_THRESHOLD.periodSeconds} s cancel the canary.`,
          Namespace: "AWS/Lambda",
          MetricName: "Errors",
          Dimensions: [{ Name: "FunctionName", Value: functionName }],
          Statistic: "Sum",
          Period: CANARY_ALARM_THRESHOLD.periodSeconds,
          EvaluationPeriods: CANARY_ALARM_THRESHOLD.evaluationPeriods,
          DatapointsToAlarm: CANARY_ALARM_THRESHOLD.evaluationPeriods,
          Threshold: CANARY_ALARM_THRESHOLD.errors,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "notBreaching",
          Tags: [
            { Key: SITE_TAG, Value: deployment.projectId },
            { Key: "slipway:deployment", Value: deployment.id },
          ],
        }),
      );
    },
    async unwatch(deploymentId) {
      try {
        await client.send(new DeleteAlarmsCommand({ AlarmNames: [canaryAlarmName(deploymentId)] }));
      } catch (error) {
        // Already gone (an earlier delivery of this step deleted it): that is the goal.
        if ((error as { name?: string }).name !== "ResourceNotFound") throw error;
      }
    },
  };
}
