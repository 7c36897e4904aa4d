import { handleGithubWebhook, SlipwayError } from "@slipway/core";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "../app.ts";

/** GitHub's own cap on webhook payloads. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

/** Authenticated by the HMAC signature over the raw body, not by an API token. */
export function webhookRoutes(deps: ApiDeps) {
  return new Hono().post(
    "/github/:projectId",
    bodyLimit({
      maxSize: WEBHOOK_BODY_LIMIT,
      onError: () => {
        throw new SlipwayError("PAYLOAD_TOO_LARGE", `Webhook body is larger than ${WEBHOOK_BODY_LIMIT} bytes.`);
      },
    }),
    async (c) => {
      const outcome = await handleGithubWebhook(deps, {
        projectId: c.req.param("projectId"),
        event: c.req.header("x-github-event"),
        deliveryId: c.req.header("x-github-delivery"),
        signature: c.req.header("x-hub-signature-256"),
        rawBody: Buffer.from(await c.req.arrayBuffer()),
      });
      return c.json(outcome, outcome.kind === "queued" ? 202 : 200);
    },
  );
}
