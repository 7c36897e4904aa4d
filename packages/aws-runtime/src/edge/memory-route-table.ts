import {
  decodeDeploymentOrigins,
  decodeHostTarget,
  deploymentKey,
  encodeDeploymentOrigins,
  encodeHostTarget,
  hostKey,
} from "./route-encoding.ts";
import type { DeploymentOrigins, EdgeRouteTable, HostTarget } from "./route-table.ts";

/** The route table in memory, for tests: the same encoding (and refusals) as the KeyValueStore. */
export interface MemoryEdgeRouteTable extends EdgeRouteTable {
  /** The raw entries, as the viewer-request function would read them from the store. */
  readonly entries: ReadonlyMap<string, string>;
  host(hostname: string): HostTarget | null;
  deployment(deploymentId: string): DeploymentOrigins | null;
}

export function createMemoryEdgeRouteTable(): MemoryEdgeRouteTable {
  const entries = new Map<string, string>();
  return {
    entries,
    async putDeployment(deploymentId, origins) {
      entries.set(deploymentKey(deploymentId), encodeDeploymentOrigins(deploymentId, origins));
    },
    async deleteDeployment(deploymentId) {
      entries.delete(deploymentKey(deploymentId));
    },
    async putHost(hostname, target) {
      entries.set(hostKey(hostname), encodeHostTarget(hostname, target));
    },
    async deleteHost(hostname) {
      entries.delete(hostKey(hostname));
    },
    host(hostname) {
      const value = entries.get(hostKey(hostname));
      return value === undefined ? null : decodeHostTarget(value);
    },
    deployment(deploymentId) {
      const value = entries.get(deploymentKey(deploymentId));
      return value === undefined ? null : decodeDeploymentOrigins(value);
    },
  };
}
