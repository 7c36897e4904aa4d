import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import type { Job, Queue } from "@slipway/core";

export interface SqsQueueOptions {
  /** The queue, created with a redrive policy to its dead-letter queue (maxReceiveCount = attempts). */
  readonly queueUrl: string;
  /** The SDK client's config (region, endpoint of an emulator, credentials). */
  readonly client: SQSClientConfig;
  /**
   * Long polling for `claim`. Short polling (0) answers at once but, on AWS, samples only some
   * servers and may miss a message that is there; a polling worker should set 1–20.
   * @default 0
   */
  readonly waitTimeSeconds?: number;
}

/** SQS counts in whole seconds: leases and delays round up, never down. */
const seconds = (ms: number, max: number) => Math.min(max, Math.max(0, Math.ceil(ms / 1000)));
const MAX_VISIBILITY_SECONDS = 12 * 3600;
const MAX_DELAY_SECONDS = 15 * 60;

/** A receipt SQS no longer honours (stale, deleted, made up): an expected outcome, not a fault. */
function isStaleReceipt(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? "";
  return [
    "ReceiptHandleIsInvalid",
    "MessageNotInflight",
    "InvalidParameterValue",
    "InvalidParameterValueException",
  ].some((stale) => name.includes(stale));
}

/**
 * The Queue on SQS. A job is one message whose body is `{type, payload}`; `attempts` is SQS's
 * receive count. Dead-lettering is SQS's own: `fail` only makes the message visible again after
 * `retryAfterMs`, and the redrive policy moves it to the DLQ on the receive after the last attempt.
 */
export function createSqsQueue(options: SqsQueueOptions): Queue {
  const client = new SQSClient(options.client);
  const QueueUrl = options.queueUrl;
  const setVisibility = async (receipt: string, visibleInMs: number) => {
    try {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: receipt,
          VisibilityTimeout: seconds(visibleInMs, MAX_VISIBILITY_SECONDS),
        }),
      );
      return true;
    } catch (error) {
      if (isStaleReceipt(error)) return false;
      throw error;
    }
  };

  return {
    name: "sqs",
    async enqueue(type, payload, enqueueOptions) {
      const delayMs = enqueueOptions?.delayMs ?? 0;
      if (delayMs > MAX_DELAY_SECONDS * 1000) {
        throw new Error(`SQS delays a message at most ${MAX_DELAY_SECONDS} s, not ${Math.ceil(delayMs / 1000)} s`);
      }
      const { MessageId } = await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify({ type, payload }),
          DelaySeconds: seconds(delayMs, MAX_DELAY_SECONDS),
        }),
      );
      if (!MessageId) throw new Error(`SQS returned no message id for a ${type} job`);
      return MessageId;
    },
    async claim(leaseMs) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 1,
          VisibilityTimeout: seconds(leaseMs, MAX_VISIBILITY_SECONDS),
          WaitTimeSeconds: options.waitTimeSeconds ?? 0,
          MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
        }),
      );
      const [message] = Messages;
      if (!message?.MessageId || !message.ReceiptHandle || message.Body === undefined) return null;
      const body = JSON.parse(message.Body) as { type?: unknown; payload?: unknown };
      if (typeof body.type !== "string") throw new Error(`SQS message ${message.MessageId} has no job type`);
      const job: Job = {
        id: message.MessageId,
        type: body.type,
        payload: body.payload,
        attempts: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
        enqueuedAt: new Date(Number(message.Attributes?.SentTimestamp ?? Date.now())).toISOString(),
        receipt: message.ReceiptHandle,
      };
      return job;
    },
    extend: (receipt, leaseMs) => setVisibility(receipt, leaseMs),
    async complete(receipt) {
      try {
        await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: receipt }));
      } catch (error) {
        if (!isStaleReceipt(error)) throw error;
      }
      // SQS cannot tell a stale receipt from a current one here (the port allows true for both).
      return true;
    },
    async fail(receipt, _error, failOptions) {
      await setVisibility(receipt, failOptions?.retryAfterMs ?? 0);
    },
    async pending() {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ],
        }),
      );
      return Object.values(Attributes).reduce((sum, n) => sum + Number(n), 0);
    },
    async close() {
      client.destroy();
    },
  };
}
