import type { Store } from "@slipway/core";
import type { EdgeOptions } from "./types.ts";

/**
 * The edge's two lookups, answered by the Store port: Host → the alias row (the hostname is the
 * primary key, so one indexed read whatever the number of projects or deployments) and a
 * deployment's project for skew protection. Read per request, never cached: a promote or rollback
 * must move the next request at once.
 */
export function routeThroughStore(
  store: Pick<Store, "aliases" | "deployments"> & Partial<Pick<Store, "domains">>,
): Pick<EdgeOptions, "resolveHost" | "getDeployment"> {
  return {
    resolveHost: async (hostname) => {
      // A custom domain is not an alias row: it follows its project's production alias, so a
      // promote or rollback moves it with the production URL.
      const alias = (await store.aliases.get(hostname)) ?? (await customDomainTarget(store, hostname));
      return alias ? { deploymentId: alias.deploymentId, projectId: alias.projectId } : null;
    },
    getDeployment: async (id) => {
      const deployment = await store.deployments.get(id);
      return deployment ? { projectId: deployment.projectId } : null;
    },
  };
}

/** The production alias of the project a custom domain belongs to; pending domains are not served yet. */
async function customDomainTarget(store: Pick<Store, "aliases"> & Partial<Pick<Store, "domains">>, hostname: string) {
  if (!store.domains) return null;
  const domain = (await store.domains.get(hostname)) ?? (await store.domains.get(hostname.replace(/^[^.]+\./, "*.")));
  if (!domain || domain.status === "pending") return null;
  return store.aliases.production(domain.projectId);
}
