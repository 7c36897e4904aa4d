// The outbox relay's entry (bundled to outbox/index.mjs): the table's stream to the step queue.
import { createSqsQueue } from "../../sqs/queue.ts";
import { parseControlPlaneEnv } from "../env.ts";
import { createOutboxHandler } from "../outbox.ts";

const config = parseControlPlaneEnv(process.env, "outbox");

export const handler = createOutboxHandler(createSqsQueue({ queueUrl: config.stepsQueueUrl, client: {} }));
