import type { Queue } from "@opennextjs/aws/types/overrides.js";
import { awsBackend, backendFor, once } from "./env.ts";

/**
 * Revalidation queue: a HEAD straight back through Slipway's edge on one box (local/queue.ts);
 * OpenNext's SQS queue on AWS (`REVALIDATION_QUEUE_URL`, FIFO), drained by the platform's
 * revalidator (packages/aws-runtime/src/revalidation/).
 */
const backend = once(
  async (): Promise<Queue> =>
    backendFor("queue") === "local" ? (await import("./local/queue.ts")).default : awsBackend<Queue>("queue"),
);

const queue: Queue = {
  name: "slipway",
  async send(message) {
    return (await backend()).send(message);
  },
};

export default queue;
