import { access } from "node:fs/promises";
import type { ActivationResult, Deployment, Store } from "@slipway/core";

interface UnpackMissingDeps {
  store: Pick<Store, "projects" | "aliases" | "deployments">;
  deployer: { activate(deployment: Deployment): Promise<ActivationResult> };
  /** Where a deployment's unpacked files live on this machine. */
  rootOf(deploymentId: string): string;
  log(line: string): void;
}

/**
 * Unpacks every deployment an alias points to whose files are not on
 * this machine: a data dir restored from a backup (which carries artifacts, not their unpacked
 * copies), or a `deployments/` folder deleted by hand. Each is activated as the pipeline would
 * (unpack, seed its cache, pre-warm); one that fails is logged and the others go on.
 * Returns how many it unpacked.
 */
export async function unpackMissingDeployments(deps: UnpackMissingDeps): Promise<number> {
  const ids = new Set<string>();
  for (const project of await deps.store.projects.list()) {
    for (const alias of await deps.store.aliases.listByProject(project.id)) ids.add(alias.deploymentId);
  }
  let unpacked = 0;
  for (const id of ids) {
    const present = await access(deps.rootOf(id)).then(
      () => true,
      () => false,
    );
    if (present) continue;
    const deployment = await deps.store.deployments.get(id);
    if (deployment?.status !== "ready") continue;
    const result = await deps.deployer.activate(deployment);
    if (result.ok) unpacked += 1;
    else deps.log(`could not unpack aliased deployment ${id}: ${result.reason}`);
  }
  if (unpacked > 0) deps.log(`unpacked ${unpacked} aliased deployment(s) whose files were missing (a restore?)`);
  return unpacked;
}
