import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { SiteCostDay, SiteCostReport, SiteCosts } from "@slipway/core";
import { queryAll, type TableContext } from "../dynamodb/client.ts";
import { TTL_ATTRIBUTE } from "../dynamodb/table.ts";

export interface SiteCostCacheOptions {
  /** The Store's table: costs live beside the metadata under `SITECOST#<site>`. */
  readonly tableName: string;
  readonly client: DynamoDBClientConfig;
  /** How long a day's numbers are kept. @default 400 days (a year to compare with, and a month) */
  readonly ttlSeconds?: number;
}

/** When the numbers were fetched, and whether the tags are active yet. */
export interface SiteCostState {
  readonly asOf: string | null;
  readonly tagsActivatedAt: string | null;
}

export interface SiteCostCache extends SiteCosts {
  /** Writes the days of each site (overwriting what an earlier fetch said about them). */
  writeDays(days: ReadonlyMap<string, readonly SiteCostDay[]>, asOf: string): Promise<void>;
  state(): Promise<SiteCostState>;
  setState(state: SiteCostState): Promise<void>;
}

const partition = (site: string) => `SITECOST#${site}`;
const dayKey = (date: string) => `DAY#${date}`;
const STATE_KEY = { pk: "SITECOSTS", sk: "STATE" };

/**
 * The daily cost cache on the Store's table: one item per site and day (a few items a day, each
 * expiring by TTL), and one state item with the time of the last fetch. Reads are a Query of the
 * site's partition and a GetItem: never a billing API call.
 */
export function createSiteCostCache(options: SiteCostCacheOptions): SiteCostCache {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(options.client));
  const ctx: TableContext = { client, tableName: options.tableName };
  const TableName = options.tableName;
  const ttlSeconds = options.ttlSeconds ?? 400 * 86_400;

  const state = async (): Promise<SiteCostState> => {
    const { Item } = await client.send(new GetCommand({ TableName, Key: STATE_KEY, ConsistentRead: true }));
    return {
      asOf: typeof Item?.asOf === "string" ? Item.asOf : null,
      tagsActivatedAt: typeof Item?.tagsActivatedAt === "string" ? Item.tagsActivatedAt : null,
    };
  };

  return {
    name: "dynamodb",
    async costOf(site, from, to): Promise<SiteCostReport> {
      const items = await queryAll(ctx, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": partition(site), ":from": dayKey(from), ":to": dayKey(to) },
        ConsistentRead: true,
      });
      const days = items.map((item) => ({
        date: String(item.date),
        taggedUsd: Number(item.taggedUsd ?? 0),
        sharedUsd: Number(item.sharedUsd ?? 0),
        invocations: Number(item.invocations ?? 0),
      }));
      return { asOf: (await state()).asOf, days };
    },
    async writeDays(days, asOf) {
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
      const puts = [...days.entries()].flatMap(([site, rows]) =>
        rows.map((row) => ({
          PutRequest: {
            Item: { pk: partition(site), sk: dayKey(row.date), ...row, asOf, [TTL_ATTRIBUTE]: expiresAt },
          },
        })),
      );
      for (let i = 0; i < puts.length; i += 25) {
        let requests = puts.slice(i, i + 25);
        for (let attempt = 0; requests.length > 0; attempt += 1) {
          if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} cost writes unprocessed in ${TableName}`);
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
          requests = (result.UnprocessedItems?.[TableName] ?? []) as typeof requests;
          if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
        }
      }
    },
    state,
    async setState(next) {
      await client.send(new PutCommand({ TableName, Item: { ...STATE_KEY, ...next } }));
    },
  };
}
