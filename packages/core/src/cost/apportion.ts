import type { SiteCostDay } from "../ports/site-costs.ts";

/** What the bill says about one day: cost per site tag, and the stack's cost no site tag claims. */
export interface BilledDay {
  readonly date: string;
  /** Site id → cost of the resources tagged with it. */
  readonly taggedUsd: Readonly<Record<string, number>>;
  /** The stack's resources without a site tag (CloudFront, buckets, table, control plane). */
  readonly sharedUsd: number;
}

/** Site id → day (`YYYY-MM-DD`) → invocations of the site's functions. */
export type TrafficByDay = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * The rule shared costs follow, for the docs, the API and the CLI to quote the same words.
 */
export const APPORTIONING_RULE =
  "Each day, the cost no site tag claims (CloudFront, the shared buckets, tables, queues and the control plane) " +
  "is split between the sites in proportion to their functions' invocations that day; on a day without any " +
  "invocation it is split equally between the sites.";

/**
 * Splits each day's shared cost between `sites` by their traffic that day (APPORTIONING_RULE).
 * Every site in `sites` gets a row per day, as does any site the bill tags that is not in it
 * (a removed project still has its last days' costs). A site's share is exact (no rounding
 * here): rounding is for display, and the shares of a day add up to its shared cost.
 */
export function apportionSharedCosts(
  billed: readonly BilledDay[],
  traffic: TrafficByDay,
  sites: readonly string[],
): Map<string, SiteCostDay[]> {
  const result = new Map<string, SiteCostDay[]>();
  for (const day of billed) {
    const invocations = new Map(sites.map((site) => [site, traffic.get(site)?.get(day.date) ?? 0]));
    const total = [...invocations.values()].reduce((sum, n) => sum + n, 0);
    const everySite = new Set([...sites, ...Object.keys(day.taggedUsd)]);
    for (const site of everySite) {
      const own = invocations.get(site);
      // Only the listed sites share; a site known only by its tag gets its tagged cost alone.
      const share =
        own === undefined ? 0 : total > 0 ? (day.sharedUsd * own) / total : day.sharedUsd / invocations.size;
      const row: SiteCostDay = {
        date: day.date,
        taggedUsd: day.taggedUsd[site] ?? 0,
        sharedUsd: share,
        invocations: own ?? 0,
      };
      const rows = result.get(site) ?? [];
      rows.push(row);
      result.set(site, rows);
    }
  }
  return result;
}
