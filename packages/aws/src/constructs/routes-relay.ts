import { Duration } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic.ts";
import { ControlPlaneFunction } from "./control-plane-function.ts";
import { streamFailureQueue, tableStreamSource } from "./table-stream.ts";

/** The Store's alias items (packages/aws-runtime/src/dynamodb/aliases.ts): `pk = ALIAS#<hostname>`. */
const ALIAS_KEY_PREFIX = "ALIAS#";

export interface RoutesRelayProps {
  /** The routes bundle (`index.mjs` exporting a DynamoDB stream `handler`). */
  readonly code: lambda.Code;
  /** The control plane's table: alias items on its stream; custom domains read from it. */
  readonly table: dynamodb.ITable;
  /** The table and its indexes, named (the reads need no wildcard). */
  readonly tableResourceArns: string[];
  /** The KeyValueStore the viewer-request function reads. */
  readonly routes: cloudfront.IKeyValueStore;
  /** Encrypts the table and the failure queue. */
  readonly encryptionKey: kms.IKey;
  readonly alarms: AlarmTopic;
  /** Configuration for the handler (the store's ARN, the table's name). */
  readonly environment: Record<string, string>;
}

/**
 * Alias moves reach the edge: the table's stream, filtered to alias items (in Lambda's poller, so
 * other writes cost no invoke), feeds the routes function, which writes `h:<host>` keys to the
 * KeyValueStore (deploy, promote, rollback, removal) and re-points a site's custom domains when its
 * production alias moves. One shard in order (parallelization 1): a later move of a host is never
 * overtaken by an earlier one. Failing batches are halved and retried; after a day their position
 * goes to a failure queue that alarms.
 */
export class RoutesRelay extends Construct {
  readonly handler: ControlPlaneFunction;
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: RoutesRelayProps) {
    super(scope, id);
    this.failures = streamFailureQueue(this, props.encryptionKey);
    this.handler = new ControlPlaneFunction(this, "Handler", {
      code: props.code,
      description: "routes relay (alias moves to the edge's KeyValueStore)",
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: props.environment,
    });
    this.handler.fn.addEventSource(
      tableStreamSource(props.table, this.failures, {
        retryAttempts: 10,
        filter: {
          dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(ALIAS_KEY_PREFIX) } } },
        },
      }),
    );
    const statements = [
      new iam.PolicyStatement({
        actions: [
          "cloudfront-keyvaluestore:DescribeKeyValueStore",
          "cloudfront-keyvaluestore:PutKey",
          "cloudfront-keyvaluestore:DeleteKey",
        ],
        resources: [props.routes.keyValueStoreArn],
      }),
      // A site's custom domains and production alias (read when its production moves).
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:Query"],
        resources: props.tableResourceArns,
      }),
      // The table and the failure queue are encrypted with the key.
      new iam.PolicyStatement({
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [props.encryptionKey.keyArn],
      }),
    ];
    for (const statement of statements) this.handler.role.addToPrincipalPolicy(statement);

    props.alarms.notifyOnMessages(
      this,
      "FailureAlarm",
      "The routes relay gave up on a batch: some hosts at the edge may point at an old deployment. The failure queue's message names the shard and sequence numbers; a promote or rollback of those sites rewrites them.",
      this.failures,
    );
  }
}
