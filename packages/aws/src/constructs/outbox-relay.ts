import { OUTBOX_KEY_PREFIX } from "@slipway/aws-runtime/table";
import { Duration } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic.ts";
import { ControlPlaneFunction } from "./control-plane-function.ts";
import { requireIntegerIn } from "./invalid-prop.ts";
import { streamFailureQueue, tableStreamSource } from "./table-stream.ts";

export interface OutboxRelayProps {
  /** The relay's bundle (`index.mjs` exporting a DynamoDB stream `handler`). */
  readonly code: lambda.Code;
  /** The table whose stream (NEW_IMAGE) carries the outbox items. */
  readonly table: dynamodb.ITable;
  /** Where each outbox item becomes one message. */
  readonly stepsQueue: sqs.IQueue;
  /** Encrypts the failure queue (and is the step queue's key). */
  readonly encryptionKey: kms.IKey;
  /** Where the failure and error alarms go. */
  readonly alarms: AlarmTopic;
  /** Configuration for the handler (the step queue's URL). */
  readonly environment: Record<string, string>;
  /**
   * Retries of a failing batch before its position is sent to the failure queue. Batches are
   * halved on each error first, so a poison item ends alone and the others get through.
   * @default 10
   */
  readonly retryAttempts?: number;
}

/**
 * The transactional outbox's relay: the table's stream, filtered to inserted `OUTBOX#` items (the
 * filter runs in Lambda's poller, so the API's other writes cost no invoke), feeds a function that
 * sends each item to the step queue. A failing batch is halved (bisect) and retried; after
 * `retryAttempts` or a day (the stream keeps records 24 h) the batch's shard and sequence numbers
 * go to a KMS-encrypted failure queue kept 14 days, which alarms: the deployment it held is then
 * stuck in `queued` until the sweeper or an operator requeues it.
 */
export class OutboxRelay extends Construct {
  readonly handler: ControlPlaneFunction;
  readonly failures: sqs.Queue;
  readonly failureAlarm: cloudwatch.Alarm;
  readonly errorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    const retryAttempts = requireIntegerIn("OutboxRelay", "retryAttempts", props.retryAttempts ?? 10, 0, 10_000);
    this.failures = streamFailureQueue(this, props.encryptionKey);
    this.handler = new ControlPlaneFunction(this, "Handler", {
      code: props.code,
      description: "outbox relay (table stream to the step queue)",
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: props.environment,
    });
    this.handler.fn.addEventSource(
      tableStreamSource(props.table, this.failures, {
        retryAttempts,
        filter: {
          eventName: lambda.FilterRule.isEqual("INSERT"),
          dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(OUTBOX_KEY_PREFIX) } } },
        },
      }),
    );
    // Sending to the (KMS-encrypted) step queue, written out instead of grantSendMessages, which
    // also grants kms:ReEncrypt* and kms:GenerateDataKey*.
    const statements = [
      new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.stepsQueue.queueArn] }),
      new iam.PolicyStatement({
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.encryptionKey.keyArn],
      }),
    ];
    for (const statement of statements) this.handler.role.addToPrincipalPolicy(statement);

    this.failureAlarm = props.alarms.notifyOnMessages(
      this,
      "FailureAlarm",
      "The outbox relay gave up on a batch: its deployments stay queued. The failure queue's message names the shard and sequence numbers.",
      this.failures,
    );
    this.errorAlarm = props.alarms.notifyOnRepeated(
      this,
      "ErrorAlarm",
      "The outbox relay threw in 3 of the last 5 minutes (deployments are waiting in queued).",
      this.handler.fn.metricErrors({ period: Duration.minutes(1), statistic: "Sum" }),
    );
  }
}
