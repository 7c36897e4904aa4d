import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The Store's single table. Every item has `pk`/`sk`; three overloaded GSIs serve the access
 * patterns that are not a key lookup (docs/aws.md lists which pattern each serves). The index
 * names are the CDK stack's (packages/aws); the keys here say what each one is for:
 * - GSI1 `byOwner`: the children of a project (`P#<projectId>`), a user's memberships and tokens
 *   (`U#<userId>`), a team's invitations (`T#<teamId>`), the first lookup field of auth records;
 * - GSI2 `byRef`: deployments by status, aliases by deployment, tokens by id, invitations by
 *   token hash, the second lookup field of auth records;
 * - GSI3 `byKind`: small whole collections (projects, domains, env vars, teams, tokens, auth
 *   records of a model) and, sparse, the deployments that hold an env snapshot.
 */
export const GSI = {
  byOwner: { name: "gsi1", pk: "gsi1pk", sk: "gsi1sk" },
  byRef: { name: "gsi2", pk: "gsi2pk", sk: "gsi2sk" },
  byKind: { name: "gsi3", pk: "gsi3pk", sk: "gsi3sk" },
} as const;

/**
 * DynamoDB's TTL attribute (epoch seconds): webhook deliveries and outbox messages expire. Not
 * `expiresAt`: tokens and invitations have an `expiresAt` field of their own (an ISO date).
 */
export const TTL_ATTRIBUTE = "expiresAtEpoch";

/** The partition key prefix of outbox items; the CDK stack filters the relay's stream on it. */
export const OUTBOX_KEY_PREFIX = "OUTBOX#";

/** Attributes of ours on every item; they never leave the store as part of an entity. */
export const INTERNAL_ATTRIBUTES = [
  "pk",
  "sk",
  ...Object.values(GSI).flatMap((g) => [g.pk, g.sk]),
  TTL_ATTRIBUTE,
  "insertedAt",
  "revision",
] as const;

/** The table the Store expects: what the CDK stack creates and the tests create in DynamoDB Local. */
export function storeTableDefinition(tableName: string): CreateTableCommandInput {
  const keys = ["pk", "sk", ...Object.values(GSI).flatMap((g) => [g.pk, g.sk])];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.values(GSI).map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.pk, KeyType: "HASH" },
        { AttributeName: g.sk, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    })),
    // The outbox relay (outbox-relay.ts) reads the new images of inserted outbox items.
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
  };
}

let sequence = 0;
/**
 * An insertion stamp that sorts in insertion order within one process (wall clock, then a
 * counter): the ties SQLite breaks by rowid. Across processes, writes in one millisecond are
 * concurrent, and either order is correct.
 */
export function insertionStamp(): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${Date.now().toString().padStart(15, "0")}.${sequence.toString().padStart(6, "0")}`;
}

/** An item as an entity: our key and bookkeeping attributes removed. */
export function entityOf<T>(item: Record<string, unknown>): T {
  const entity = { ...item };
  for (const name of INTERNAL_ATTRIBUTES) delete entity[name];
  return entity as T;
}
