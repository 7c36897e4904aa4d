import type { Store } from "@slipway/core";
import { deployment, project } from "@slipway/core/contracts";

/** The fixture's project, ready deployment and alias, as startStack writes them into its store. */
export async function seedFixture(store: Store, projectId: string, deploymentId: string): Promise<void> {
  const now = new Date().toISOString();
  await store.projects.create(project({ id: projectId, name: "fixture" }));
  await store.deployments.create(
    deployment(projectId, { id: deploymentId, environment: "production", status: "ready", readyAt: now }),
  );
  await store.aliases.set({ hostname: "fixture.localhost", projectId, deploymentId, kind: "custom" });
}

/**
 * Fills a store the way a busy platform looks: `projects` projects with `deploymentsPerProject`
 * ready deployments each, a deployment alias per deployment and a production alias per project,
 * all through the Store port (what the edge reads per request). Returns the seconds it took.
 */
export async function seedStore(store: Store, projects: number, deploymentsPerProject: number): Promise<number> {
  const started = performance.now();
  const now = new Date().toISOString();
  for (let p = 0; p < projects; p++) {
    const name = `seeded-${p}`;
    const projectId = `prj_seed${p}`;
    await store.projects.create(project({ id: projectId, name }));
    for (let d = 0; d < deploymentsPerProject; d++) {
      const id = `dpl_seed${p}_${d}`;
      await store.deployments.create(
        deployment(projectId, {
          id,
          status: "ready",
          artifactKey: `artifacts/${id}.tgz`,
          readyAt: now,
          finishedAt: now,
        }),
      );
      await store.aliases.set({ hostname: `${name}-${d}.localhost`, projectId, deploymentId: id, kind: "deployment" });
    }
    const production = `dpl_seed${p}_${deploymentsPerProject - 1}`;
    await store.aliases.set({ hostname: `${name}.localhost`, projectId, deploymentId: production, kind: "production" });
  }
  return (performance.now() - started) / 1000;
}
