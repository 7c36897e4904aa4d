import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * Where a stream consumer sends a batch it gave up on (its shard and sequence numbers): encrypted
 * with the stack's key, TLS only, kept 14 days. Made as `Failures` in `scope`.
 */
export function streamFailureQueue(scope: Construct, encryptionKey: kms.IKey): sqs.Queue {
  return new sqs.Queue(scope, "Failures", {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    dataKeyReuse: Duration.hours(1),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}

/**
 * The control-plane table's stream as a relay reads it (the outbox relay, the routes relay): from
 * the oldest record, batches of 100 within 1 s, one shard at a time in order, a failing batch
 * halved and retried `retryAttempts` times or for a day (the stream keeps records 24 h), then its
 * position sent to `failures`. `filter` runs in Lambda's poller: records it drops cost no invoke.
 */
export function tableStreamSource(
  table: dynamodb.ITable,
  failures: sqs.IQueue,
  options: { readonly retryAttempts: number; readonly filter: Record<string, unknown> },
): DynamoEventSource {
  return new DynamoEventSource(table, {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    bisectBatchOnError: true,
    retryAttempts: options.retryAttempts,
    maxRecordAge: Duration.days(1),
    parallelizationFactor: 1,
    onFailure: new SqsDlq(failures),
    filters: [lambda.FilterCriteria.filter(options.filter)],
  });
}
