import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** Every CloudWatch alarm of this account and region (alarm names are chosen by CloudFormation). */
export function alarmArnPattern(stack: Stack): string {
  return `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`;
}

export interface AlarmTopicProps {
  /** Encrypts the notifications at rest. */
  readonly encryptionKey: kms.IKey;
}

/**
 * Where every alarm of the control plane goes: one SNS topic (KMS-encrypted, TLS only). Operators
 * subscribe to it (email, chat) after deploying; the stack makes no subscription of its own.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "Slipway alarms",
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.action = new actions.SnsAction(this.topic);
    // CloudWatch publishes alarm notifications to the encrypted topic as itself: without the key
    // it cannot, and every alarm would fire into nothing. Only this account's alarms may.
    const stack = Stack.of(this);
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: { "aws:SourceArn": alarmArnPattern(stack) },
        },
      }),
    );
  }

  /** Sends the alarm's state changes (into alarm and back to OK) to the topic. */
  notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /**
   * An alarm, sent to the topic, as soon as `queue` holds a message: for dead-letter and failure
   * queues, where one message is already something an operator must look at.
   */
  notifyOnMessages(scope: Construct, id: string, alarmDescription: string, queue: sqs.IQueue): cloudwatch.Alarm {
    return this.notify(
      new cloudwatch.Alarm(scope, id, {
        alarmDescription,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * An alarm, sent to the topic, on a per-minute Sum metric above 0 in 3 of the last 5 minutes:
   * one error is noise (retries hide it), a run of them is not.
   */
  notifyOnRepeated(
    scope: Construct,
    id: string,
    alarmDescription: string,
    metric: cloudwatch.IMetric,
  ): cloudwatch.Alarm {
    return this.notify(
      new cloudwatch.Alarm(scope, id, {
        alarmDescription,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
