import { openGithubDelivery, SlipwayError } from "@slipway/core";
import type { Context } from "hono";
import { Hono } from "hono";
import type { ApiDeps } from "../app.ts";
import { createByteBudget } from "../byte-budget.ts";

/** GitHub's own cap on webhook payloads. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;
/** Webhook bodies held in memory at once, across all senders: two full-size ones and change. */
export const WEBHOOK_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/** How long a delivery waits for room before it is answered 503 (GitHub's timeout is 10 s). */
const WEBHOOK_QUEUE_WAIT_MS = 5_000;
const RETRY_AFTER_SECONDS = "30";

/**
 * Authenticated by the HMAC signature over the raw body, not by an API token. Everything that
 * needs no body (size, project, signature header) is checked before a byte of it is read; the
 * HMAC is computed as the body streams in.
 */
export function webhookRoutes(deps: ApiDeps) {
  const budget = createByteBudget(WEBHOOK_BYTES_IN_FLIGHT);
  return new Hono().post("/github/:projectId", async (c) => {
    const declared = declaredLength(c);
    const intake = await openGithubDelivery(
      deps,
      {
        projectId: c.req.param("projectId"),
        event: c.req.header("x-github-event"),
        deliveryId: c.req.header("x-github-delivery"),
        signature: c.req.header("x-hub-signature-256"),
      },
      declared ?? undefined,
    );
    // A body of unknown length may be as large as the limit: reserve that much.
    const size = declared ?? WEBHOOK_BODY_LIMIT;
    const release = await budget.acquire(size, WEBHOOK_QUEUE_WAIT_MS);
    if (!release) {
      const busy = new SlipwayError(
        "BUSY",
        "Too many webhook bodies are being received at once.",
        "GitHub can redeliver it from the webhook's Recent Deliveries tab.",
      );
      return c.json(busy.toJSON(), 503, { "retry-after": RETRY_AFTER_SECONDS });
    }
    try {
      await streamBody(c.req.raw.body, size, (chunk) => intake.write(chunk));
      const outcome = await intake.finish();
      return c.json(outcome, outcome.kind === "queued" ? 202 : 200);
    } finally {
      release();
    }
  });
}

function tooLarge(detail: string): SlipwayError {
  return new SlipwayError("PAYLOAD_TOO_LARGE", `Webhook body ${detail}; the limit is ${WEBHOOK_BODY_LIMIT} bytes.`);
}

/** Content-Length when the client sent one; over the limit is refused before anything else. */
function declaredLength(c: Context): number | null {
  const header = c.req.header("content-length");
  if (header === undefined || c.req.header("transfer-encoding") !== undefined) return null;
  const length = Number(header);
  if (!/^\d+$/.test(header) || !Number.isSafeInteger(length)) {
    throw new SlipwayError("INVALID_INPUT", `Content-Length "${header.slice(0, 40)}" is not a byte count.`);
  }
  if (length > WEBHOOK_BODY_LIMIT) throw tooLarge(`is ${length} bytes`);
  return length;
}

/** Hands each chunk on as it arrives; more than `max` bytes stops reading (and the sender). */
async function streamBody(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max === WEBHOOK_BODY_LIMIT ? "is larger" : `is larger than its Content-Length (${max})`);
    }
    onChunk(value);
  }
}
