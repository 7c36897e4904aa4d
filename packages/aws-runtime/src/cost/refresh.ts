import { CloudWatchClient, type CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import { CostExplorerClient, type CostExplorerClientConfig } from "@aws-sdk/client-cost-explorer";
import { apportionSharedCosts } from "@slipway/core";
import type { SiteCostCache } from "./cost-cache.ts";
import { activateCostTags, fetchBilledDays } from "./cost-explorer.ts";
import { addDays, utcDay } from "./days.ts";
import { fetchSiteInvocations } from "./lambda-traffic.ts";

/** Days fetched each time: Cost Explorer revises recent days for a while, so they are fetched again. */
export const REFRESH_DAYS = 14;

export interface SiteCostRefreshOptions {
  readonly cache: SiteCostCache;
  /** The CDK stack's name: the value of its `slipway:stack` tag. */
  readonly stackName: string;
  /** The sites (project ids) that share the stack's cost. */
  readonly sites: () => Promise<string[]>;
  /** Cost Explorer's endpoint is in us-east-1 whatever the stack's region; tests point it at a mock. */
  readonly costExplorer?: CostExplorerClientConfig;
  readonly cloudWatch?: CloudWatchClientConfig;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

export interface SiteCostRefreshResult {
  readonly from: string;
  /** Excluded: today is not over. */
  readonly to: string;
  readonly sites: number;
  readonly tagsActive: boolean;
}

/**
 * The daily job: activates the cost allocation tags until Billing accepts them, then fetches the
 * last REFRESH_DAYS full days from Cost Explorer (one request a page, $0.01 each) and the sites'
 * invocations from CloudWatch, splits the shared cost by traffic and overwrites those days in the
 * cache. Run once a day by a schedule: the API only ever reads the cache.
 */
export function createSiteCostRefresh(options: SiteCostRefreshOptions) {
  const ce = new CostExplorerClient({ region: "us-east-1", ...options.costExplorer });
  const cloudWatch = new CloudWatchClient(options.cloudWatch ?? {});
  const log = options.log ?? ((line: string) => console.log(line));
  return async function refreshSiteCosts(): Promise<SiteCostRefreshResult> {
    const now = options.now?.() ?? new Date();
    const state = await options.cache.state();
    let tagsActivatedAt = state.tagsActivatedAt;
    if (tagsActivatedAt === null) {
      try {
        const activation = await activateCostTags(ce);
        if (activation.activated) tagsActivatedAt = now.toISOString();
        else log(`costs: cost allocation tags not active yet (${activation.errors.join("; ")}); trying again tomorrow`);
      } catch (error) {
        // In an AWS Organizations member account only the management account may activate tags:
        // the costs are still fetched (they group by the tag once it is active there).
        log(
          `costs: could not activate the cost allocation tags (${(error as Error).message}); ` +
            "in an AWS Organizations member account, activate slipway:site and slipway:stack in the management account",
        );
      }
    }
    const to = utcDay(now);
    const from = addDays(to, -REFRESH_DAYS);
    const sites = await options.sites();
    const billed = await fetchBilledDays(ce, { stackName: options.stackName, sites, from, to });
    const traffic = await fetchSiteInvocations(cloudWatch, { sites, from, to });
    const days = apportionSharedCosts(billed, traffic, sites);
    const asOf = now.toISOString();
    await options.cache.writeDays(days, asOf);
    await options.cache.setState({ asOf, tagsActivatedAt });
    log(`costs: ${billed.length} days from ${from} for ${days.size} sites cached`);
    return { from, to, sites: days.size, tagsActive: tagsActivatedAt !== null };
  };
}
