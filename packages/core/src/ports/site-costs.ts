/** One site's cost on one UTC day, as the AWS bill has it (USD, unblended). */
export interface SiteCostDay {
  /** `YYYY-MM-DD`, UTC. */
  readonly date: string;
  /** Cost of resources tagged with the site (its functions). */
  readonly taggedUsd: number;
  /** Its share of what the sites share (CloudFront, the assets bucket, the table, the control plane). */
  readonly sharedUsd: number;
  /** Its functions' invocations that day: the traffic the shared cost was split by. */
  readonly invocations: number;
}

/** A site's daily costs over a range, and when the numbers were fetched. */
export interface SiteCostReport {
  /** When the cached numbers were last fetched from the bill; null: never yet. */
  readonly asOf: string | null;
  /** The days in the range that have numbers, oldest first. */
  readonly days: readonly SiteCostDay[];
}

/**
 * Actual cost per site, read from a cache the target fills on a schedule (AWS: Cost Explorer once
 * a day). Reading never calls the billing API. `site` is the project's id; `from` and `to` are
 * `YYYY-MM-DD` days, both included.
 */
export interface SiteCosts {
  readonly name: string;
  costOf(site: string, from: string, to: string): Promise<SiteCostReport>;
}
