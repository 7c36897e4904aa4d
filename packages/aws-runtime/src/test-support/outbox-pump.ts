import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { Queue } from "@slipway/core";
import { type OutboxStreamRecord, relayOutboxRecords } from "../dynamodb/outbox.ts";

/**
 * What Lambda's event source mapping does on AWS: reads the table's stream and hands the records
 * to the relay. There is no DynamoDB Streams client at our pinned SDK version, so this speaks the
 * Streams JSON API to DynamoDB Local directly (it checks no signature).
 */
export interface StreamPump {
  /** Relays every record written since the last pump; returns how many messages were enqueued. */
  pump(): Promise<number>;
}

/** What a pump hands each page of stream records to; by default the relay itself, else e.g. the outbox Lambda's handler. */
export type RecordsRelay = (records: OutboxStreamRecord[]) => Promise<number>;

export function createStreamPump(
  client: DynamoDBClientConfig,
  tableName: string,
  queue: Queue,
  relay: RecordsRelay = (records) => relayOutboxRecords(records, queue),
): StreamPump {
  const endpoint = String(client.endpoint);
  const iterators = new Map<string, string | null>();
  const call = async <T>(target: string, body: unknown): Promise<T> => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDBStreams_20120810.${target}`,
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`DynamoDB Local ${target}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  return {
    async pump() {
      const { Streams = [] } = await call<{ Streams?: { StreamArn: string }[] }>("ListStreams", {
        TableName: tableName,
      });
      let relayed = 0;
      for (const { StreamArn } of Streams) {
        const { StreamDescription } = await call<{ StreamDescription: { Shards?: { ShardId: string }[] } }>(
          "DescribeStream",
          { StreamArn },
        );
        for (const { ShardId } of StreamDescription.Shards ?? []) {
          const id = `${StreamArn}/${ShardId}`;
          let iterator = iterators.get(id);
          if (iterator === null) continue; // a closed shard, read to its end
          if (iterator === undefined) {
            iterator = (
              await call<{ ShardIterator: string }>("GetShardIterator", {
                StreamArn,
                ShardId,
                ShardIteratorType: "TRIM_HORIZON",
              })
            ).ShardIterator;
          }
          for (;;) {
            const page: { Records?: OutboxStreamRecord[]; NextShardIterator?: string } = await call("GetRecords", {
              ShardIterator: iterator,
            });
            relayed += await relay(page.Records ?? []);
            const next = page.NextShardIterator ?? null;
            iterators.set(id, next);
            if (next === null || (page.Records ?? []).length === 0) break;
            iterator = next;
          }
        }
      }
      return relayed;
    },
  };
}

/** The queue a contract test reads the outbox from: every read first pumps the stream into it. */
export function pumpedQueue(target: Queue, pump: StreamPump): Queue {
  return {
    ...target,
    name: `${target.name} fed by the DynamoDB stream`,
    enqueue: (type, payload, options) => target.enqueue(type, payload, options),
    async claim(leaseMs) {
      await pump.pump();
      return target.claim(leaseMs);
    },
    extend: (receipt, leaseMs) => target.extend(receipt, leaseMs),
    complete: (receipt) => target.complete(receipt),
    fail: (receipt, error, options) => target.fail(receipt, error, options),
    async pending() {
      await pump.pump();
      return target.pending();
    },
    close: () => target.close(),
  };
}
