import type { Queue } from "@slipway/core";
import { type OutboxStreamRecord, relayOutboxRecords } from "../dynamodb/outbox.ts";

/** The part of Lambda's DynamoDB stream event the relay reads (aws-lambda's DynamoDBStreamEvent). */
export interface DynamoStreamEvent {
  Records: OutboxStreamRecord[];
}

/**
 * The table stream's Lambda: every outbox item a store transaction wrote becomes one message on
 * the step queue. A failure throws, so Lambda retries the whole batch (a message may then be
 * sent twice, which the idempotent steps accept).
 */
export function createOutboxHandler(queue: Queue) {
  return async (event: DynamoStreamEvent): Promise<{ relayed: number }> => ({
    relayed: await relayOutboxRecords(event.Records, queue),
  });
}
