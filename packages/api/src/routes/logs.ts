import { ACTIVE_STATUSES, findDeployment, type LogLine } from "@slipway/core";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ApiDeps } from "../app.ts";

const POLL_MS = 250;

/**
 * Build logs. JSON for a page of lines (`?after=SEQ`), or Server-Sent Events with `?follow=1`
 * (or `Accept: text/event-stream`): every line as a `log` event, then one `end` event with the
 * final status once the deployment has finished and every line was sent.
 */
export function logRoutes(deps: ApiDeps) {
  return new Hono().get("/:id/logs", async (c) => {
    const { deployment } = await findDeployment(deps, c.req.param("id"));
    const after = Number(c.req.query("after") ?? 0) || 0;
    const follow = c.req.query("follow") === "1" || c.req.header("accept")?.includes("text/event-stream");
    if (!follow) return c.json(await deps.logs.read(deployment.id, after, 10_000));

    return streamSSE(c, async (stream) => {
      let seq = after;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const lines: LogLine[] = await deps.logs.read(deployment.id, seq, 1000);
        for (const line of lines) {
          await stream.writeSSE({ event: "log", id: String(line.seq), data: JSON.stringify(line) });
          seq = line.seq;
        }
        if (lines.length > 0) continue;
        const current = await deps.store.deployments.get(deployment.id);
        const finished = !current || !(ACTIVE_STATUSES as readonly string[]).includes(current.status);
        // Read once more after seeing it finished: lines written just before the status change.
        if (finished && (await deps.logs.read(deployment.id, seq, 1)).length === 0) {
          await stream.writeSSE({
            event: "end",
            data: JSON.stringify({ status: current?.status, statusReason: current?.statusReason ?? null }),
          });
          return;
        }
        await stream.sleep(POLL_MS);
      }
    });
  });
}
