import type { ActivationResult, BlobStore, Deployer, Deployment } from "@slipway/core";

export interface MemoryDeployerOptions {
  /** Where artifacts are read: an activation fails when its artifact is not there. */
  blobs?: BlobStore;
  /** Decides an activation instead (a health check that fails, a slow warm-up…). */
  activate?: (deployment: Deployment) => Promise<ActivationResult> | ActivationResult;
}

export type MemoryDeployer = Deployer & {
  /** Deployment ids, once per activate call. */
  readonly activations: string[];
  /** Deployments activated and not deactivated since. */
  readonly active: ReadonlySet<string>;
};

/** A Deployer that runs nothing: it checks the artifact is there and remembers what is active. */
export function createMemoryDeployer(options: MemoryDeployerOptions = {}): MemoryDeployer {
  const activations: string[] = [];
  const active = new Set<string>();
  return {
    name: "memory",
    activations,
    active,
    async activate(deployment) {
      activations.push(deployment.id);
      if (!deployment.artifactKey) return { ok: false, reason: `deployment ${deployment.id} has no artifact` };
      if (options.blobs && !(await options.blobs.head(deployment.artifactKey))) {
        return { ok: false, reason: `artifact ${deployment.artifactKey} is missing` };
      }
      const result = options.activate ? await options.activate(deployment) : { ok: true as const, warmMs: 0 };
      if (result.ok) active.add(deployment.id);
      return result;
    },
    async deactivate(deploymentId) {
      active.delete(deploymentId);
    },
  };
}
