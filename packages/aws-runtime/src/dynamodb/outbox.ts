import { randomUUID } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { OutboxMessage, Queue } from "@slipway/core";
import { OUTBOX_KEY_PREFIX, TTL_ATTRIBUTE } from "./table.ts";

/**
 * The transactional outbox on DynamoDB: a store change and its queue messages are written in one
 * TransactWriteItems; the table's stream (NEW_IMAGE) feeds a Lambda that relays each inserted
 * outbox item to SQS. The item then only waits for its TTL: the stream has already carried it.
 */
/** Long enough for the relay to retry a day of failures; the stream itself keeps records 24 h. */
const OUTBOX_TTL_SECONDS = 2 * 24 * 3600;

export function outboxItem(message: OutboxMessage, now = Date.now()): Record<string, unknown> {
  return {
    pk: `${OUTBOX_KEY_PREFIX}${randomUUID()}`,
    sk: "OUTBOX",
    type: message.type,
    // JSON, so the payload reaches the queue exactly as given (DynamoDB would drop undefined, reject empty sets…).
    payload: JSON.stringify(message.payload),
    [TTL_ATTRIBUTE]: Math.floor(now / 1000) + OUTBOX_TTL_SECONDS,
  };
}

/** The part of a DynamoDB stream record the relay reads (aws-lambda's DynamoDBRecord). */
export interface OutboxStreamRecord {
  eventName?: "INSERT" | "MODIFY" | "REMOVE" | string;
  dynamodb?: { NewImage?: Record<string, AttributeValue> };
}

/**
 * The stream handler's work: every inserted outbox item becomes one queue message. Other items
 * and other events pass by. A failure throws, so Lambda retries the batch: a message may then
 * be enqueued twice, which the pipeline's idempotent handlers accept.
 */
export async function relayOutboxRecords(records: readonly OutboxStreamRecord[], queue: Queue): Promise<number> {
  let relayed = 0;
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || !image) continue;
    const item = unmarshall(image);
    if (typeof item.pk !== "string" || !item.pk.startsWith(OUTBOX_KEY_PREFIX)) continue;
    if (typeof item.type !== "string" || typeof item.payload !== "string") {
      throw new Error(`outbox item ${item.pk} has no type or payload`);
    }
    await queue.enqueue(item.type, JSON.parse(item.payload));
    relayed += 1;
  }
  return relayed;
}

export const isOutboxKey = (pk: unknown) => typeof pk === "string" && pk.startsWith(OUTBOX_KEY_PREFIX);
