import {
  type EntryQuery,
  parseStatusFilter,
  parseWindow,
  projectAwsCost,
  SlipwayError,
  stepFor,
  summarizePoints,
  type TelemetryEntry,
  toSeries,
} from "@slipway/core";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import type { TelemetryApi } from "../telemetry.ts";
import { DEFAULT_LOG_STREAM_MAX_MS } from "./logs.ts";

const TAIL_POLL_MS = 200;
const MAX_LIMIT = 5000;

/**
 * Runtime telemetry of a project: request and function logs (JSON, or a live tail as Server-Sent
 * Events with `?follow=1`, event id = seq, resumable with Last-Event-ID like the build log),
 * errors grouped by message, metric series and usage with its projected AWS cost.
 */
export function telemetryRoutes(deps: ApiDeps, telemetry: TelemetryApi) {
  const maxStreamMs = deps.logStreamMaxMs ?? DEFAULT_LOG_STREAM_MAX_MS;
  const { store } = telemetry;
  const tailPollMs = telemetry.tailPollMs ?? TAIL_POLL_MS;
  return new Hono<CallerEnv>()
    .get("/:name/logs", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
      const since = c.req.query("since");
      const status = c.req.query("status");
      const deploymentId = c.req.query("deployment");
      const kind = c.req.query("kind");
      if (kind !== undefined && kind !== "request" && kind !== "log") {
        throw new SlipwayError(
          "INVALID_INPUT",
          `kind "${kind.slice(0, 20)}" is not a log kind.`,
          "Use request or log.",
        );
      }
      const lastEventId = c.req.header("last-event-id");
      const after = parseSeq(lastEventId ?? c.req.query("after"));
      const base: Omit<EntryQuery, "limit"> = {
        projectId: project.id,
        ...(deploymentId ? { deploymentId } : {}),
        ...(since ? { sinceAt: new Date(Date.now() - parseWindow(since)).toISOString() } : {}),
        ...(status ? { status: parseStatusFilter(status) } : {}),
        ...(kind ? { kind } : {}),
      };
      const limit = parseLimit(c.req.query("limit"));
      const follow = c.req.query("follow") === "1" || c.req.header("accept")?.includes("text/event-stream");
      if (!follow)
        return c.json(await store.entries({ ...base, limit, ...(after === undefined ? {} : { afterSeq: after }) }));

      return streamSSE(c, async (stream) => {
        const deadline = Date.now() + maxStreamMs;
        let closed = false;
        stream.onAbort(() => {
          closed = true;
        });
        // A new tail starts with the latest `limit` entries, then follows; a resumed one goes on.
        let cursor = after;
        if (cursor === undefined) {
          const recent = await store.entries({ ...base, limit });
          for (const entry of recent) await send(entry);
          cursor = recent.at(-1)?.seq ?? (await latestSeq(project.id));
        }
        async function send(entry: TelemetryEntry) {
          await stream.writeSSE({ event: "entry", id: String(entry.seq), data: JSON.stringify(entry) });
          cursor = entry.seq;
        }
        while (!closed && Date.now() < deadline) {
          const fresh = await store.entries({ ...base, afterSeq: cursor ?? 0, limit: 1000 });
          for (const entry of fresh) await send(entry);
          if (fresh.length === 1000) continue;
          await stream.sleep(Math.max(0, Math.min(tailPollMs, deadline - Date.now())));
        }
      });
    })
    .get("/:name/errors", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
      const windowMs = parseWindow(c.req.query("since") ?? "24h");
      return c.json(await store.errorGroups(project.id, new Date(Date.now() - windowMs).toISOString()));
    })
    .get("/:name/metrics", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
      const windowMs = parseWindow(c.req.query("since") ?? "1h");
      const deploymentId = c.req.query("deployment") || undefined;
      const to = Date.now();
      const from = to - windowMs;
      const step = stepFor(windowMs);
      const points = await store.metrics(project.id, Math.floor(from / step) * step, to, deploymentId);
      return c.json({
        project: project.name,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        stepMs: step,
        summary: summarizePoints(points),
        series: toSeries(points, from, to, step),
      });
    })
    .get("/:name/usage", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
      const windowMs = parseWindow(c.req.query("since") ?? "30d");
      const to = Date.now();
      const points = await store.metrics(project.id, to - windowMs, to);
      const summary = summarizePoints(points);
      const storage = await telemetry.storageOf(project.id, to - windowMs);
      const usage = {
        windowMs,
        requests: summary.requests,
        invocations: summary.invocations,
        gbSeconds: summary.gbSeconds,
        bytesOut: summary.bytesOut,
        storageBytes: storage.bytes,
        uploads: storage.uploads,
      };
      return c.json({
        project: project.name,
        from: new Date(to - windowMs).toISOString(),
        to: new Date(to).toISOString(),
        usage: { ...usage, errors: summary.errors, coldStarts: summary.coldStarts },
        cost: projectAwsCost(usage),
        dropped: { ...(await store.dropped(project.id)), beforeStorage: telemetry.droppedBeforeStorage() },
      });
    });

  async function latestSeq(projectId: string): Promise<number> {
    return (await store.entries({ projectId, limit: 1 })).at(-1)?.seq ?? 0;
  }
}

function parseSeq(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `"${raw.slice(0, 40)}" is not a log sequence number.`,
      "Pass the id of the last event received (Last-Event-ID or ?after=), a non-negative integer.",
    );
  }
  return Number(raw);
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new SlipwayError("INVALID_INPUT", `limit "${raw.slice(0, 20)}" is out of range.`, `Use 1 to ${MAX_LIMIT}.`);
  }
  return n;
}
