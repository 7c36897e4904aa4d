import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { LogLine, LogStore } from "@slipway/core";
import { deleteAll, failedConditions, queryAll, type TableContext } from "./client.ts";
import { TTL_ATTRIBUTE } from "./table.ts";

export interface DynamoLogStoreOptions {
  /** The Store's table: log lines live beside the metadata under `LOG#<deploymentId>`. */
  readonly tableName: string;
  readonly client: DynamoDBClientConfig;
  /** How long build logs are kept before TTL removes them. @default 90 days */
  readonly ttlSeconds?: number;
}

const partition = (deploymentId: string) => `LOG#${deploymentId}`;
const COUNTER = "COUNTER";
const lineKey = (seq: number) => `LINE#${seq.toString().padStart(12, "0")}`;
/** A transaction holds 100 writes: the counter and 99 lines. */
const LINES_PER_WRITE = 99;
const ATTEMPTS = 60;

/**
 * Build logs on DynamoDB. An append is one transaction: the deployment's counter moves from the
 * value it was read at, and the lines are written under the seqs it covers. Seqs are handed out
 * in commit order, so a follower that has read up to seq N never misses a line committed later
 * with a lower seq. Concurrent appends to one log conflict and retry (one build writes its log,
 * so they are rare).
 */
export function createDynamoLogStore(options: DynamoLogStoreOptions): LogStore {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(options.client));
  const ctx: TableContext = { client, tableName: options.tableName };
  const TableName = options.tableName;
  const ttlSeconds = options.ttlSeconds ?? 90 * 24 * 3600;

  const appendChunk = async (deploymentId: string, lines: Omit<LogLine, "seq">[]) => {
    for (let attempt = 1; ; attempt += 1) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: { pk: partition(deploymentId), sk: COUNTER }, ConsistentRead: true }),
      );
      const last = typeof Item?.last === "number" ? Item.last : 0;
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  Item: {
                    pk: partition(deploymentId),
                    sk: COUNTER,
                    last: last + lines.length,
                    [TTL_ATTRIBUTE]: expiresAt,
                  },
                  ConditionExpression: Item ? "#last = :last" : "attribute_not_exists(pk)",
                  ExpressionAttributeNames: Item ? { "#last": "last" } : undefined,
                  ExpressionAttributeValues: Item ? { ":last": last } : undefined,
                },
              },
              ...lines.map((line, i) => ({
                Put: {
                  TableName,
                  Item: {
                    pk: partition(deploymentId),
                    sk: lineKey(last + 1 + i),
                    seq: last + 1 + i,
                    at: line.at,
                    stream: line.stream,
                    text: line.text,
                    [TTL_ATTRIBUTE]: expiresAt,
                  },
                },
              })),
            ],
          }),
        );
        return;
      } catch (error) {
        const conflict =
          failedConditions(error) !== null || (error as { name?: string }).name === "TransactionCanceledException";
        if (!conflict || attempt >= ATTEMPTS) throw error;
        // Jittered backoff, so racing appenders stop colliding in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * attempt)));
      }
    }
  };

  return {
    name: "dynamodb",
    async append(deploymentId, lines) {
      for (let i = 0; i < lines.length; i += LINES_PER_WRITE) {
        await appendChunk(deploymentId, lines.slice(i, i + LINES_PER_WRITE));
      }
    },
    async read(deploymentId, afterSeq = 0, limit = 1000) {
      const items = await queryAll(
        ctx,
        {
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": partition(deploymentId),
            ":from": lineKey(afterSeq + 1),
            ":to": `LINE#\uffff`,
          },
          ConsistentRead: true,
          Limit: limit,
        },
        limit,
      );
      return items.map((item) => ({
        seq: Number(item.seq),
        at: String(item.at),
        stream: item.stream as LogLine["stream"],
        text: String(item.text),
      }));
    },
    async deleteDeployment(deploymentId) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": partition(deploymentId) },
        ProjectionExpression: "pk, sk",
        ConsistentRead: true,
      });
      await deleteAll(
        ctx,
        items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
      );
    },
  };
}
