import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic.ts";
import { ControlPlaneFunction } from "./control-plane-function.ts";
import { requireIntegerIn } from "./invalid-prop.ts";

export interface StepWorkersProps {
  /** The step handlers' bundle (`index.mjs` exporting an SQS `handler`). */
  readonly code: lambda.Code;
  /** Encrypts both queues. */
  readonly encryptionKey: kms.IKey;
  /** Where the dead-letter and error alarms go. */
  readonly alarms: AlarmTopic;
  /** Configuration for the handler (table, buckets, build project…). */
  readonly environment: Record<string, string>;
  /**
   * Seconds one step may run. Activation uploads assets and publishes a function version, the
   * slowest step; the queue's visibility timeout is six times this, as AWS advises for Lambda.
   * @default 120
   */
  readonly stepTimeoutSeconds?: number;
  /**
   * Deliveries of one message before it moves to the dead-letter queue. Steps are idempotent, so
   * retries are safe; the sweeper resumes a deployment whose message was dead-lettered.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Steps run at once at most (SQS event source maximum concurrency, 2–1000): bounds the load a
   * burst of pushes puts on the table and on CodeBuild.
   * @default 10
   */
  readonly maxConcurrency?: number;
}

/**
 * The deploy pipeline on AWS: an SQS queue of step messages (deploy, watch-build, activate,
 * project.remove, and CodeBuild state changes from EventBridge) feeding the step handlers on
 * Lambda, one message per invoke with partial batch failures reported; a dead-letter queue after
 * `maxReceiveCount` deliveries, kept 14 days for redrive; alarms on anything dead-lettered, on
 * handler errors and on messages waiting too long.
 */
export class StepWorkers extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: ControlPlaneFunction;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly errorAlarm: cloudwatch.Alarm;
  readonly backlogAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: StepWorkersProps) {
    super(scope, id);
    const stepTimeout = requireIntegerIn("StepWorkers", "stepTimeoutSeconds", props.stepTimeoutSeconds ?? 120, 10, 900);
    const maxReceiveCount = requireIntegerIn("StepWorkers", "maxReceiveCount", props.maxReceiveCount ?? 5, 1, 1000);
    const maxConcurrency = requireIntegerIn("StepWorkers", "maxConcurrency", props.maxConcurrency ?? 10, 2, 1000);
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
    } as const;

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetters", { ...encryption, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, "Queue", {
      ...encryption,
      visibilityTimeout: Duration.seconds(stepTimeout * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.handler = new ControlPlaneFunction(this, "Handler", {
      code: props.code,
      description: "deploy pipeline step handlers (SQS)",
      timeout: Duration.seconds(stepTimeout),
      environment: { ...props.environment, SLIPWAY_STEPS_QUEUE_URL: this.queue.queueUrl },
    });
    this.handler.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency }),
    );
    // Each step enqueues the next one before its own message is completed. Written out instead
    // of grantSendMessages, which also grants kms:ReEncrypt* and kms:GenerateDataKey*.
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [this.queue.queueArn] }),
    );
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.encryptionKey.keyArn],
      }),
    );

    this.deadLetterAlarm = props.alarms.notifyOnMessages(
      this,
      "DeadLetterAlarm",
      "A step message was dead-lettered: inspect it, fix the cause, then redrive the DLQ.",
      this.deadLetterQueue,
    );
    this.errorAlarm = props.alarms.notifyOnRepeated(
      this,
      "ErrorAlarm",
      "Step handlers threw in 3 of the last 5 minutes (retries hide single failures).",
      this.handler.fn.metricErrors({ period: Duration.minutes(1), statistic: "Sum" }),
    );
    this.backlogAlarm = props.alarms.notify(
      new cloudwatch.Alarm(this, "BacklogAlarm", {
        alarmDescription: "The oldest step message waits over 15 minutes: handlers are failing or throttled.",
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: "Maximum" }),
        threshold: 15 * 60,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
