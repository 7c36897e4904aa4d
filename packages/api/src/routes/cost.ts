import { APPORTIONING_RULE, type SiteCosts, SlipwayError } from "@slipway/core";
import { Hono } from "hono";
import { projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";

const DAY_MS = 86_400_000;
const MAX_DAYS = 400;

/**
 * A site's actual cost per day from the target's bill (AWS: Cost Explorer, fetched once a day and
 * cached): what its own resources cost, its share of the shared ones, and when the numbers were
 * fetched. Reads only the cache. The range is the last `days` full UTC days (today is not over).
 */
export function costRoutes(deps: ApiDeps, costs: SiteCosts) {
  return new Hono<CallerEnv>().get("/:name/cost", async (c) => {
    const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
    const days = parseDays(c.req.query("days"));
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const from = new Date(today - days * DAY_MS).toISOString().slice(0, 10);
    const to = new Date(today - DAY_MS).toISOString().slice(0, 10);
    const report = await costs.costOf(project.id, from, to);
    const rows = report.days.map((d) => ({
      date: d.date,
      taggedUsd: round(d.taggedUsd),
      sharedUsd: round(d.sharedUsd),
      totalUsd: round(d.taggedUsd + d.sharedUsd),
      invocations: d.invocations,
    }));
    const sum = (pick: (d: (typeof report.days)[number]) => number) => report.days.reduce((s, d) => s + pick(d), 0);
    return c.json({
      project: project.name,
      from,
      to,
      asOf: report.asOf,
      currency: "USD" as const,
      taggedUsd: round(sum((d) => d.taggedUsd)),
      sharedUsd: round(sum((d) => d.sharedUsd)),
      totalUsd: round(sum((d) => d.taggedUsd + d.sharedUsd)),
      invocations: sum((d) => d.invocations),
      days: rows,
      rule: APPORTIONING_RULE,
    });
  });
}

function parseDays(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 30;
  const n = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || n < 1 || n > MAX_DAYS) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `days "${raw.slice(0, 20)}" is out of range.`,
      `Give a whole number of days from 1 to ${MAX_DAYS}.`,
    );
  }
  return n;
}

/** To a millionth of a dollar, as the projection rounds. */
function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
