import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  UpdateCostAllocationTagsStatusCommand,
} from "@aws-sdk/client-cost-explorer";
import type { BilledDay } from "@slipway/core";
import { COST_ALLOCATION_TAGS, SITE_TAG, STACK_TAG } from "./tags.ts";

/** Pages of one refresh at most: each page is a billed request ($0.01), so a runaway loop is capped. */
const MAX_PAGES = 20;

/**
 * The stack's daily unblended cost from `from` to `to` (days, `to` excluded, as Cost Explorer
 * takes them), grouped by the site tag: a group per site, and the group without the tag (Cost
 * Explorer's `slipway:site$`) is what the sites share. Only Slipway's resources are counted: the
 * stack tags everything it creates and the Deployer tags every site function with its site, so
 * the filter is "this stack's tag, or one of these sites' tags".
 */
export async function fetchBilledDays(
  client: CostExplorerClient,
  options: { stackName: string; sites: readonly string[]; from: string; to: string },
): Promise<BilledDay[]> {
  const stackFilter = { Tags: { Key: STACK_TAG, Values: [options.stackName], MatchOptions: ["EQUALS" as const] } };
  const filter: GetCostAndUsageCommandInput["Filter"] =
    options.sites.length === 0
      ? stackFilter
      : {
          Or: [stackFilter, { Tags: { Key: SITE_TAG, Values: [...options.sites], MatchOptions: ["EQUALS" as const] } }],
        };
  const byDay = new Map<string, { taggedUsd: Record<string, number>; sharedUsd: number }>();
  let token: string | undefined;
  let pages = 0;
  do {
    pages += 1;
    if (pages > MAX_PAGES) throw new Error(`Cost Explorer returned more than ${MAX_PAGES} pages; stopped`);
    const page = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: options.from, End: options.to },
        Granularity: "DAILY",
        Metrics: ["UnblendedCost"],
        GroupBy: [{ Type: "TAG", Key: SITE_TAG }],
        Filter: filter,
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    for (const period of page.ResultsByTime ?? []) {
      const date = period.TimePeriod?.Start;
      if (!date) continue;
      const day = byDay.get(date) ?? { taggedUsd: {}, sharedUsd: 0 };
      byDay.set(date, day);
      for (const group of period.Groups ?? []) {
        const usd = amountOf(group.Metrics?.UnblendedCost);
        const site = siteOfGroupKey(group.Keys?.[0]);
        if (site === null) day.sharedUsd += usd;
        else day.taggedUsd[site] = (day.taggedUsd[site] ?? 0) + usd;
      }
    }
    token = page.NextPageToken;
  } while (token);
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, day]) => ({ date, ...day }));
}

/** A group key is `slipway:site$<value>`; an empty value is the resources without the tag. */
function siteOfGroupKey(key: string | undefined): string | null {
  const prefix = `${SITE_TAG}$`;
  if (!key?.startsWith(prefix)) return null;
  return key.slice(prefix.length) || null;
}

/** Cost Explorer's amounts are decimal strings; anything else counts as nothing. */
function amountOf(metric: { Amount?: string; Unit?: string } | undefined): number {
  const amount = Number(metric?.Amount ?? 0);
  return Number.isFinite(amount) ? amount : 0;
}

/**
 * Activates the site and stack tags as cost allocation tags. A tag key Billing has not seen on
 * any resource yet comes back as an error entry (not a throw): the result says which were not
 * activated, and the next day's refresh tries again. Data grouped by a tag starts about a day
 * after its activation and is not retroactive.
 */
export async function activateCostTags(client: CostExplorerClient): Promise<{ activated: boolean; errors: string[] }> {
  const result = await client.send(
    new UpdateCostAllocationTagsStatusCommand({
      CostAllocationTagsStatus: COST_ALLOCATION_TAGS.map((TagKey) => ({ TagKey, Status: "Active" as const })),
    }),
  );
  const errors = (result.Errors ?? []).map((e) => `${e.TagKey}: ${e.Code ?? "error"} ${e.Message ?? ""}`.trim());
  return { activated: errors.length === 0, errors };
}
