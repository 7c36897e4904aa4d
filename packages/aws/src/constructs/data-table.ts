import { GSI, TTL_ATTRIBUTE } from "@slipway/aws-runtime/table";
import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

/**
 * The single table's generic key names, the DynamoDB Store adapter's own (packages/aws-runtime
 * writes items under exactly these attribute names; the access patterns live there, not here).
 */
export const TABLE_KEYS = {
  partitionKey: "pk",
  sortKey: "sk",
  indexes: Object.values(GSI).map((g) => ({ indexName: g.name, partitionKey: g.pk, sortKey: g.sk })),
  /** Epoch seconds; DynamoDB deletes the item some time after (webhook deliveries, outbox messages, log lines). */
  timeToLive: TTL_ATTRIBUTE,
} as const;

export interface DataTableProps {
  /** The key that encrypts the table at rest (a customer-managed key, so access is auditable). */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the table when the stack is removed. `slipway aws destroy` asks; the
   * construct keeps data unless told otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The control plane's metadata: one on-demand table (projects, deployments, aliases, env vars,
 * domains, users, tokens, webhook deliveries, log lines, queue outbox) with three generic GSIs,
 * TTL on `expiresAtEpoch`, point-in-time recovery, deletion protection while data is kept, and a
 * stream of new images for the transactional outbox (a deployment row and its first step message
 * are one transaction; the stream relays the message to SQS).
 */
export class DataTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    for (const gsi of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** ARNs a least-privilege policy names: the table and each index, no wildcard. */
  get resourceArns(): string[] {
    const arn = this.table.tableArn;
    return [arn, ...TABLE_KEYS.indexes.map((gsi) => `${arn}/index/${gsi.indexName}`)];
  }
}
