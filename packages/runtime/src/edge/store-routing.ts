import type { DomainRoute, Store } from "@slipway/core";
import { type ChangeWatch, createStampedCache } from "./stamped-cache.ts";
import type { EdgeOptions, EdgeTarget } from "./types.ts";

export interface StoreRoutingOptions {
  /** The custom domains' directory (the domain front's too): which project a domain belongs to. */
  customDomains?: { lookup(hostname: string): DomainRoute | null | Promise<DomainRoute | null> };
  /**
   * The store's change watch (see createChangeWatch): with it, Host → deployment is remembered
   * per host until anything in the store may have changed, so a promote or rollback still moves
   * the next request. Without it every request reads the Store.
   */
  changes?: ChangeWatch;
}

type Target = EdgeTarget | null;

/**
 * The edge's lookups, answered by the Store port: Host → the alias row (the hostname is the
 * primary key, so one indexed read whatever the number of projects or deployments) and a
 * deployment's project for skew protection. A custom domain is not an alias row: the directory
 * says which project it belongs to, and the project's production alias where it goes (its canary too).
 */
export function routeThroughStore(
  store: Pick<Store, "aliases" | "deployments">,
  options: StoreRoutingOptions = {},
): Pick<EdgeOptions, "resolveHost" | "getDeployment"> {
  const { customDomains, changes } = options;
  const resolve = async (hostname: string): Promise<Target> => {
    // The directory first: it answers from memory (a platform hostname is remembered as "no
    // custom domain"), and a custom domain then costs one store read, like an alias.
    const alias = (await customDomainTarget(store, customDomains, hostname)) ?? (await store.aliases.get(hostname));
    if (!alias) return null;
    // The canary rides in the remembered value: the split costs no store read per request.
    const canary = alias.canary
      ? { deploymentId: alias.canary.deploymentId, percent: alias.canary.percent }
      : undefined;
    return { deploymentId: alias.deploymentId, projectId: alias.projectId, canary };
  };
  const project = async (id: string) => {
    const deployment = await store.deployments.get(id);
    return deployment ? { projectId: deployment.projectId } : null;
  };
  return {
    resolveHost: changes ? createStampedCache(changes, resolve) : resolve,
    getDeployment: changes ? createStampedCache(changes, project) : project,
  };
}

/** The production alias of the project a custom domain belongs to; pending domains are not served yet. */
async function customDomainTarget(
  store: Pick<Store, "aliases">,
  customDomains: StoreRoutingOptions["customDomains"],
  hostname: string,
) {
  const domain = await customDomains?.lookup(hostname);
  if (!domain || domain.status === "pending") return null;
  return store.aliases.production(domain.projectId);
}
