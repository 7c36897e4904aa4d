import type { Store } from "@slipway/core";
import type { EdgeRouteTable } from "../edge/route-table.ts";

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
  await deps.routes.putHost(hostname, { deploymentId: production.deploymentId });
  return true;
}

/**
 * Every active custom domain of `site` to its production deployment: what the relay of alias
 * changes calls when a site's production alias moves (deploy, promote, rollback), since custom
 * domains are rows of their own, not alias items. Redirecting domains are left out (not served).
 */
export async function routeProjectDomains(
  deps: RouteDeps & { readonly store: Pick<Store, "aliases" | "domains"> },
  site: string,
): Promise<string[]> {
  const production = await deps.store.aliases.production(site);
  if (!production) return [];
  const hostnames = (await deps.store.domains.listByProject(site))
    .filter((d) => d.status === "active" && d.redirectTo === null)
    .map((d) => d.hostname);
  for (const hostname of hostnames) await deps.routes.putHost(hostname, { deploymentId: production.deploymentId });
  return hostnames;
}
