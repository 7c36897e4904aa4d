import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { WebhookDeliveryRepo } from "@slipway/core";
import { isConditionFailure, type TableContext } from "./client.ts";
import { ownedBy } from "./projects.ts";
import { TTL_ATTRIBUTE } from "./table.ts";

/**
 * Delivery ids for dedupe: a conditional Put on the id is "seen before?" and "record it" in one
 * step. Items expire by TTL after `ttlSeconds` (GitHub redelivers for days, not months).
 */
export function createWebhookDeliveryRepo(ctx: TableContext, ttlSeconds: number): WebhookDeliveryRepo {
  return {
    async record(delivery) {
      try {
        await ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...delivery,
              pk: `DELIVERY#${delivery.id}`,
              sk: "DELIVERY",
              gsi1pk: ownedBy(delivery.projectId),
              gsi1sk: `DELIVERY#${delivery.id}`,
              [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + ttlSeconds,
            },
            // TTL deletes lazily (within days): an expired record no longer counts as seen.
            ConditionExpression: "attribute_not_exists(pk) OR #ttl < :now",
            ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ":now": Math.floor(Date.now() / 1000) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
