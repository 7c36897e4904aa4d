import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { TrafficByDay } from "@slipway/core";
import { SITE_FUNCTION_PREFIX, siteFunctionName } from "../deployer/names.ts";
import { utcDay } from "./days.ts";

/** Queries per GetMetricData request: well under its limit, since each SEARCH may return many series. */
const SITES_PER_REQUEST = 50;

/**
 * The part of every function name of `site` before its deployment id: what a name is matched on.
 * Derived from `siteFunctionName`, so it follows the Deployer's naming (ids are 10 characters and
 * never cut).
 */
export function siteFunctionStem(site: string): string {
  const name = siteFunctionName(site, "d", "server");
  return name.slice(0, name.length - "d-server".length);
}

/**
 * Invocations per site and UTC day from `from` to `to` (days, `to` excluded): Lambda's
 * `Invocations` metric, summed per day, of every function whose name starts with the site's stem.
 * One SEARCH per site finds its functions by the site id, a token of their names (an unquoted
 * term is a partial match; past deployments' functions are found while CloudWatch has their data,
 * two weeks); the series come back labelled with the function name and are matched on the whole
 * stem here, so a search that finds more than it should attributes nothing wrongly.
 */
export async function fetchSiteInvocations(
  client: CloudWatchClient,
  options: { sites: readonly string[]; from: string; to: string },
): Promise<TrafficByDay> {
  const traffic = new Map<string, Map<string, number>>();
  const stems = options.sites.map((site) => ({ site, stem: siteFunctionStem(site) }));
  for (let i = 0; i < stems.length; i += SITES_PER_REQUEST) {
    const batch = stems.slice(i, i + SITES_PER_REQUEST);
    const queries: MetricDataQuery[] = batch.map(({ stem }, j) => ({
      Id: `s${i + j}`,
      Expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="Invocations" FunctionName=${searchTerm(stem)}', 'Sum', 86400)`,
      // CloudWatch's dynamic label (not a JS template): each series is labelled with its function's name.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudWatch's syntax, not ours
      Label: "${PROP('Dim.FunctionName')}",
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(`${options.from}T00:00:00Z`),
          EndTime: new Date(`${options.to}T00:00:00Z`),
          ScanBy: "TimestampAscending",
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        const label = result.Label ?? "";
        const owner = batch.find(({ stem }) => label.startsWith(stem));
        if (!owner || !label.startsWith(SITE_FUNCTION_PREFIX)) continue;
        const days = traffic.get(owner.site) ?? new Map<string, number>();
        traffic.set(owner.site, days);
        (result.Timestamps ?? []).forEach((at, k) => {
          const value = result.Values?.[k] ?? 0;
          const day = utcDay(at);
          days.set(day, (days.get(day) ?? 0) + value);
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return traffic;
}

/** The site part of a stem as a search term: name-safe characters only, so nothing to quote or escape. */
function searchTerm(stem: string): string {
  const site = stem.slice(SITE_FUNCTION_PREFIX.length).replace(/-+$/, "");
  if (!/^[A-Za-z0-9_-]+$/.test(site)) throw new Error(`not a function name stem: ${JSON.stringify(stem)}`);
  return site;
}
