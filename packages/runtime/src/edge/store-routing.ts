import type { Store } from "@slipway/core";
import type { EdgeOptions } from "./types.ts";

/**
 * The edge's two lookups, answered by the Store port: Host → the alias row (the hostname is the
 * primary key, so one indexed read whatever the number of projects or deployments) and a
 * deployment's project for skew protection. Read per request, never cached: a promote or rollback
 * must move the next request at once.
 */
export function routeThroughStore(
  store: Pick<Store, "aliases" | "deployments">,
): Pick<EdgeOptions, "resolveHost" | "getDeployment"> {
  return {
    resolveHost: async (hostname) => {
      const alias = await store.aliases.get(hostname);
      return alias ? { deploymentId: alias.deploymentId, projectId: alias.projectId } : null;
    },
    getDeployment: async (id) => {
      const deployment = await store.deployments.get(id);
      return deployment ? { projectId: deployment.projectId } : null;
    },
  };
}
