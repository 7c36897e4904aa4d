import { ACTIVE_STATUSES, type LogLine, SlipwayError } from "@slipway/core";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { deploymentFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";

const POLL_MS = 250;
/** Below API Gateway's and Lambda URLs' 30 s request limit, with room for the last write. */
export const DEFAULT_LOG_STREAM_MAX_MS = 25_000;

/**
 * Build logs. JSON for a page of lines (`?after=SEQ`), or Server-Sent Events with `?follow=1`
 * (or `Accept: text/event-stream`): every line as a `log` event whose id is its seq, then one
 * `end` event with the final status once the deployment has finished and every line was sent.
 *
 * A stream lasts at most `logStreamMaxMs`, so it fits a request limit: when it closes without
 * `end`, the client reconnects with `Last-Event-ID` (the EventSource way) or `?after=` and picks
 * up after the last line it got. Seqs only grow; they may skip values.
 */
export function logRoutes(deps: ApiDeps) {
  const maxStreamMs = deps.logStreamMaxMs ?? DEFAULT_LOG_STREAM_MAX_MS;
  return new Hono<CallerEnv>().get("/:id/logs", async (c) => {
    const { deployment } = await deploymentFor(deps, c.get("caller"), c.req.param("id"), "viewer");
    const lastEventId = c.req.header("last-event-id");
    const after =
      lastEventId !== undefined ? parseSeq(lastEventId, "Last-Event-ID") : parseSeq(c.req.query("after"), "after");
    const follow = c.req.query("follow") === "1" || c.req.header("accept")?.includes("text/event-stream");
    if (!follow) return c.json(await deps.logs.read(deployment.id, after, 10_000));

    return streamSSE(c, async (stream) => {
      const deadline = Date.now() + maxStreamMs;
      let seq = after;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed && Date.now() < deadline) {
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
        await stream.sleep(Math.max(0, Math.min(POLL_MS, deadline - Date.now())));
      }
      // Out of time: the stream just ends; the client resumes from the last id it saw.
    });
  });
}

function parseSeq(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === "") return 0;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `${name} "${raw.slice(0, 40)}" is not a log sequence number.`,
      "Pass the id of the last event received, a non-negative integer.",
    );
  }
  return Number(raw);
}
