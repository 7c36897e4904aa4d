import type { DomainRoute, Store } from "@slipway/core";
import type { EdgeOptions } from "./types.ts";

/**
 * The edge's lookups, answered by the Store port: Host → the alias row (the hostname is the
 * primary key, so one indexed read whatever the number of projects or deployments) and a
 * deployment's project for skew protection. Aliases are read per request, never cached: a
 * promote or rollback must move the next request at once. A custom domain is not an alias row:
 * `customDomains` (the directory the domain front uses too, cached per host) says which project
 * it belongs to, and the project's production alias, read per request, where it goes.
 */
export function routeThroughStore(
  store: Pick<Store, "aliases" | "deployments">,
  customDomains?: { lookup(hostname: string): Promise<DomainRoute | null> },
): Pick<EdgeOptions, "resolveHost" | "getDeployment"> {
  return {
    resolveHost: async (hostname) => {
      // The directory first: it answers from memory (a platform hostname is remembered as "no
      // custom domain"), and a custom domain then costs one store read, like an alias.
      const alias = (await customDomainTarget(store, customDomains, hostname)) ?? (await store.aliases.get(hostname));
      return alias ? { deploymentId: alias.deploymentId, projectId: alias.projectId } : null;
    },
    getDeployment: async (id) => {
      const deployment = await store.deployments.get(id);
      return deployment ? { projectId: deployment.projectId } : null;
    },
  };
}

/** The production alias of the project a custom domain belongs to; pending domains are not served yet. */
async function customDomainTarget(
  store: Pick<Store, "aliases">,
  customDomains: { lookup(hostname: string): Promise<DomainRoute | null> } | undefined,
  hostname: string,
) {
  const domain = await customDomains?.lookup(hostname);
  if (!domain || domain.status === "pending") return null;
  return store.aliases.production(domain.projectId);
}
