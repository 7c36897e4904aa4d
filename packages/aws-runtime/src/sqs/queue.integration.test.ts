import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Queue } from "@slipway/core";
import { runQueueContract } from "@slipway/core/contracts";
import { afterAll, beforeAll } from "vitest";
import { type Fauxqs, startFauxqsServer } from "../test-support/fauxqs.ts";
import { createSqsQueue } from "./queue.ts";

// The Queue contract against fauxqs (in process), each case on a fresh queue with its own DLQ.
// SQS leases and delays are whole seconds, so the "short" lease is one second.
const MAX_ATTEMPTS = 3;
let sqs: Fauxqs;
let admin: SQSClient;
beforeAll(async () => {
  sqs = await startFauxqsServer();
  admin = new SQSClient(sqs.client);
});
afterAll(async () => {
  admin?.destroy();
  await sqs?.stop();
});

let queues = 0;
const urls = new WeakMap<Queue, string>();
async function freshQueue(): Promise<string> {
  queues += 1;
  const dlq = await admin.send(new CreateQueueCommand({ QueueName: `jobs-${queues}-dlq` }));
  const { Attributes } = await admin.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const main = await admin.send(
    new CreateQueueCommand({
      QueueName: `jobs-${queues}`,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: MAX_ATTEMPTS }),
      },
    }),
  );
  if (!main.QueueUrl) throw new Error("fauxqs returned no queue url");
  return main.QueueUrl;
}

runQueueContract({
  name: "sqs",
  maxAttempts: MAX_ATTEMPTS,
  shortMs: 1000,
  create: async () => {
    const queueUrl = await freshQueue();
    const queue = createSqsQueue({ queueUrl, client: sqs.client });
    urls.set(queue, queueUrl);
    return queue;
  },
  reopen: async (closed) => createSqsQueue({ queueUrl: urls.get(closed) as string, client: sqs.client }),
});
