import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Store } from "@slipway/core";
import { type AliasStreamRecord, hostTargetOf } from "../edge/alias-relay.ts";
import type { EdgeRouteTable, HostTarget } from "../edge/route-table.ts";

interface RouteDeps {
  readonly store: Pick<Store, "aliases">;
  readonly routes: EdgeRouteTable;
}

/**
 * Sends an active custom domain's requests to its site's production deployment. A site with no
 * production deployment yet routes nothing: the host stays unknown to the edge until one exists
 * (routeProjectDomains then puts it).
 */
export async function routeDomain(deps: RouteDeps, site: string, hostname: string): Promise<boolean> {
  const production = await deps.store.aliases.production(site);
  if (!production) return false;
  await deps.routes.putHost(hostname, hostTargetOf(production));
  return true;
}

/**
 * Every active custom domain of `site` to its production deployment and its canary split
 * (`target` when the caller knows it already, e.g. from a stream record; else the production
 * alias is read).
 * Redirecting domains are left out (not served on AWS yet).
 */
export async function routeProjectDomains(
  deps: RouteDeps & { readonly store: Pick<Store, "aliases" | "domains"> },
  site: string,
  known?: HostTarget,
): Promise<string[]> {
  const production = known ? null : await deps.store.aliases.production(site);
  const target = known ?? (production ? hostTargetOf(production) : null);
  if (!target) return [];
  const hostnames = (await deps.store.domains.listByProject(site))
    .filter((d) => d.status === "active" && d.redirectTo === null)
    .map((d) => d.hostname);
  for (const hostname of hostnames) await deps.routes.putHost(hostname, target);
  return hostnames;
}

/**
 * For the table stream's consumer (the relay of alias changes): custom domains are rows of their
 * own, not alias items, so when a site's production alias is written (deploy, promote, rollback)
 * its active custom domains follow it to the deployment the record names. Other records pass by.
 * Returns the hostnames routed. Throws on a failed write, so Lambda retries the batch (puts are
 * idempotent).
 */
export async function routeCustomDomainsOfProductionMoves(
  records: readonly AliasStreamRecord[],
  deps: RouteDeps & { readonly store: Pick<Store, "aliases" | "domains"> },
): Promise<string[]> {
  // The last record per site wins: the stream keeps one item's changes in order.
  const moves = new Map<string, HostTarget>();
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if ((record.eventName !== "INSERT" && record.eventName !== "MODIFY") || !image) continue;
    const item = unmarshall(image);
    if (typeof item.pk !== "string" || !item.pk.startsWith("ALIAS#") || item.kind !== "production") continue;
    if (typeof item.projectId === "string" && typeof item.deploymentId === "string") {
      moves.set(item.projectId, hostTargetOf(item));
    }
  }
  const routed: string[] = [];
  for (const [site, target] of moves) routed.push(...(await routeProjectDomains(deps, site, target)));
  return routed;
}
