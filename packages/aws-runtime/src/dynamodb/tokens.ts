import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ApiToken, ApiTokenRepo } from "@slipway/core";
import { deleteIfPresent, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { entityOf, GSI } from "./table.ts";

/** Keyed by hash: every API request looks its token up, and that is one consistent GetItem. */
const key = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: "TOKEN" });
const TOKENS = "TOKENS";

export function createTokenRepo(ctx: TableContext): ApiTokenRepo {
  const { client, tableName: TableName } = ctx;
  return {
    async create(token) {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: {
              ...token,
              ...key(token.tokenHash),
              // Only users' tokens join their user's partition (the admin token has no user).
              ...(token.userId !== null
                ? { gsi1pk: `U#${token.userId}`, gsi1sk: `TOKEN#${token.createdAt}#${token.id}` }
                : {}),
              gsi2pk: `TOKENID#${token.id}`,
              gsi2sk: "TOKEN",
              gsi3pk: TOKENS,
              gsi3sk: token.id,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new Error(`token ${token.id} already exists`);
        throw error;
      }
    },
    async findByHash(tokenHash) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: key(tokenHash), ConsistentRead: true }));
      return Item ? entityOf<ApiToken>(Item) : null;
    },
    async count() {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName,
            IndexName: GSI.byKind.name,
            KeyConditionExpression: "gsi3pk = :kind",
            ExpressionAttributeValues: { ":kind": TOKENS },
            Select: "COUNT",
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    },
    async listByUser(userId) {
      const items = await queryIndex(ctx, GSI.byOwner, `U#${userId}`, { prefix: "TOKEN#" });
      return items.map((i) => entityOf<ApiToken>(i));
    },
    async delete(id, userId) {
      const [found] = await queryIndex(ctx, GSI.byRef, `TOKENID#${id}`);
      if (!found) return false;
      return deleteIfPresent(
        ctx,
        { pk: String(found.pk), sk: String(found.sk) },
        { expression: "userId = :user", values: { ":user": userId } },
      );
    },
  };
}
