import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic.ts";
import { ControlPlaneFunction } from "./control-plane-function.ts";

/** Where the Deployer records each deployment's `previewModeId` in the artifacts bucket. */
const PREVIEW_MODE_ID_KEYS = "deployments/*/preview-mode-id";

export interface SiteCachesProps {
  /** The revalidator's bundle (`index.mjs` exporting an SQS `handler`). */
  readonly revalidatorCode: lambda.Code;
  /** The control plane's table and its indexes (named): the revalidator maps a host to its deployment through the aliases. */
  readonly tableResourceArns: string[];
  /** The artifacts bucket, where each deployment's `previewModeId` is recorded at activation. */
  readonly artifactsBucket: s3.IBucket;
  /** Encrypts the tag table and the table the revalidator reads. */
  readonly encryptionKey: kms.IKey;
  readonly alarms: AlarmTopic;
  /** Configuration for the revalidator (the table's and the artifacts bucket's names). */
  readonly environment: Record<string, string>;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The ISR state every site shares, so no site adds a table or a queue (quotas, and nothing to
 * create per deploy): OpenNext's tag cache table (keys `tag` / `path`; OpenNext prefixes both with
 * the build id, and every deployment has a unique one), one FIFO revalidation queue (OpenNext
 * sends `{host, url}` with its own group and deduplication ids) and the platform revalidator that
 * consumes it: host → deployment → its `previewModeId`, then OpenNext's HEAD revalidation through
 * the edge. A message failing 5 times lands in a FIFO dead-letter queue that alarms.
 */
export class SiteCaches extends Construct {
  readonly tagTable: dynamodb.Table;
  readonly revalidationQueue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly revalidator: ControlPlaneFunction;

  constructor(scope: Construct, id: string, props: SiteCachesProps) {
    super(scope, id);
    this.tagTable = new dynamodb.Table(this, "TagCache", {
      partitionKey: { name: "tag", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "path", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
    });
    // SQS-managed encryption: site functions send here, and a KMS key would need grants on the key
    // that also seals every secret. Messages hold a host and a path, nothing secret.
    this.deadLetters = new sqs.Queue(this, "RevalidationDeadLetters", {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.revalidationQueue = new sqs.Queue(this, "Revalidation", {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * 30),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });
    this.revalidator = new ControlPlaneFunction(this, "Revalidator", {
      code: props.revalidatorCode,
      description: "revalidator (OpenNext's ISR revalidation requests through the edge)",
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: props.environment,
    });
    this.revalidator.fn.addEventSource(
      new SqsEventSource(this.revalidationQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    const statements = [
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:Query"],
        resources: props.tableResourceArns,
      }),
      new iam.PolicyStatement({ actions: ["kms:Decrypt"], resources: [props.encryptionKey.keyArn] }),
      new iam.PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [props.artifactsBucket.arnForObjects(PREVIEW_MODE_ID_KEYS)],
      }),
    ];
    for (const statement of statements) this.revalidator.role.addToPrincipalPolicy(statement);

    props.alarms.notifyOnMessages(
      this,
      "DeadLetterAlarm",
      "Revalidation requests failed 5 times: those ISR pages stay stale until their next revalidation.",
      this.deadLetters,
    );
    props.alarms.notifyOnRepeated(
      this,
      "ErrorAlarm",
      "The revalidator threw in 3 of the last 5 minutes (ISR pages are not being revalidated).",
      this.revalidator.fn.metricErrors({ period: Duration.minutes(1), statistic: "Sum" }),
    );
  }
}
