import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { GSI } from "./table.ts";

/** What every repo gets: the document client and the table it writes. */
export interface TableContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** A failed condition is an expected outcome (a lost race, a taken name): callers return false. */
export function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "ConditionalCheckFailedException";
}

/** A transaction cancelled because one of its conditions failed, with the index of each failure. */
export function failedConditions(error: unknown): number[] | null {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name !== "TransactionCanceledException") return null;
  const reasons = e.CancellationReasons ?? [];
  const failed = reasons.flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
  // Cancelled for a conflict with another transaction (or throttling): not a condition outcome.
  if (failed.length === 0 || reasons.some((r) => r.Code && r.Code !== "None" && r.Code !== "ConditionalCheckFailed")) {
    return null;
  }
  return failed;
}

/** Every page of a query (a GSI read is eventually consistent on AWS, see docs/aws.md). */
export async function queryAll(
  ctx: TableContext,
  input: Omit<QueryCommandInput, "TableName">,
  limit?: number,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.client.send(
      new QueryCommand({ ...input, TableName: ctx.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}

/** Query one partition of a GSI, optionally only sort keys starting with `prefix`. */
export function queryIndex(
  ctx: TableContext,
  index: (typeof GSI)[keyof typeof GSI],
  partition: string,
  options: { prefix?: string; newestFirst?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const prefix = options.prefix !== undefined;
  return queryAll(ctx, {
    IndexName: index.name,
    KeyConditionExpression: prefix ? "#pk = :pk AND begins_with(#sk, :prefix)" : "#pk = :pk",
    ExpressionAttributeNames: prefix ? { "#pk": index.pk, "#sk": index.sk } : { "#pk": index.pk },
    ExpressionAttributeValues: prefix ? { ":pk": partition, ":prefix": options.prefix } : { ":pk": partition },
    ScanIndexForward: !options.newestFirst,
  });
}

/** Deletes items by key, 25 a request, retrying what DynamoDB leaves unprocessed. */
export async function deleteAll(ctx: TableContext, keys: { pk: string; sk: string }[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests: NonNullable<Parameters<typeof batchOf>[0]> = keys
      .slice(i, i + 25)
      .map((key) => ({ DeleteRequest: { Key: key } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} deletes unprocessed in ${ctx.tableName}`);
      const result = await ctx.client.send(batchOf(requests, ctx.tableName));
      requests = (result.UnprocessedItems?.[ctx.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
    }
  }
}

function batchOf(requests: { DeleteRequest: { Key: Record<string, unknown> } }[], tableName: string) {
  return new BatchWriteCommand({ RequestItems: { [tableName]: requests } });
}

/** The `:name` values of an `IN (...)` list. */
export function inList(
  prefix: string,
  values: readonly string[],
): { expression: string; values: Record<string, string> } {
  const entries = values.map((v, i) => [`:${prefix}${i}`, v] as const);
  return { expression: `(${entries.map(([k]) => k).join(", ")})`, values: Object.fromEntries(entries) };
}

/** Removes a single item by key; true when it was there. */
export async function deleteIfPresent(
  ctx: TableContext,
  key: { pk: string; sk: string },
  condition?: { expression: string; values: Record<string, unknown> },
): Promise<boolean> {
  try {
    const { Attributes } = await ctx.client.send(
      new DeleteCommand({
        TableName: ctx.tableName,
        Key: key,
        ConditionExpression: condition ? `attribute_exists(pk) AND ${condition.expression}` : "attribute_exists(pk)",
        ExpressionAttributeValues: condition?.values,
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes !== undefined;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
