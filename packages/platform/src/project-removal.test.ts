import {
  createProject,
  type Deployment,
  handleGithubWebhook,
  REMOVE_PROJECT_JOB,
  removeProjectStep,
  requestProjectRemoval,
  setEnvVars,
  webhookSecretOf,
} from "@slipway/core";
import { createMemoryTelemetryStore } from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import { type PipelineHarness, pipelineHarness } from "./test-support/pipeline-harness.ts";

// `projects rm` on the pipeline harness (in-memory adapters that pass their ports' contracts):
// what a removal leaves (nothing of its project, everything of the others), builds in flight,
// and a crash halfway.

const harnesses: PipelineHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

/** A harness whose project has a ready production, a ready preview, env vars, caches and logs. */
async function populated() {
  const h = await pipelineHarness();
  harnesses.push(h);
  const production = await h.deploy();
  const preview = await h.deploy({ branch: "feature" });
  await h.drain();
  await setEnvVars(h.deps, h.project, [
    { key: "API_KEY", value: "s3cret-value", secret: true, targets: ["production"] },
  ]);
  h.buildCache.fill(h.project.id, 5_000);

  const other = await createProject(h.deps, { name: "other", repo: "https://github.com/acme/other.git" });
  await setEnvVars(h.deps, other, [{ key: "KEEP", value: "kept", targets: ["production"] }]);
  h.buildCache.fill(other.id, 7_000);
  return { h, production, preview, other };
}

async function everythingOf(h: PipelineHarness, projectId: string, deployments: Deployment[]) {
  const { store, blobs, logs } = h.deps;
  return {
    project: await store.projects.get(projectId),
    deployments: await store.deployments.listByProject(projectId),
    aliases: await store.aliases.listByProject(projectId),
    envVars: await store.envVars.listByProject(projectId),
    artifacts: (await Promise.all(deployments.map((d) => blobs.head(`artifacts/${d.id}.tar`)))).filter(Boolean),
    logLines: (await Promise.all(deployments.map((d) => logs.read(d.id)))).flat(),
    active: deployments.filter((d) => h.deployer.active.has(d.id)).map((d) => d.id),
    cached: h.buildCache.projects().includes(projectId),
  };
}

describe("removing a project", () => {
  it("leaves nothing of it: URLs, deployments, workers, artifacts, logs, env vars, caches; others untouched", async () => {
    const { h, production, preview, other } = await populated();
    const before = await everythingOf(h, h.project.id, [production, preview]);
    expect(before.aliases.length).toBeGreaterThan(0);
    expect(before.artifacts).toHaveLength(2);
    expect(before.active).toHaveLength(2);
    expect(before.logLines.length).toBeGreaterThan(0);

    await requestProjectRemoval(h.deps, h.project);
    await h.drain();

    expect(await everythingOf(h, h.project.id, [production, preview])).toEqual({
      project: null,
      deployments: [],
      aliases: [],
      envVars: [],
      artifacts: [],
      logLines: [],
      active: [],
      cached: false,
    });
    expect(await h.deps.store.projects.get(other.id)).toEqual(other);
    expect(await h.deps.store.envVars.listByProject(other.id)).toHaveLength(1);
    expect(h.buildCache.projects()).toEqual([other.id]);
  });

  it("deletes its runtime logs, errors and metrics, and only its own", async () => {
    const { h, other } = await populated();
    const telemetry = createMemoryTelemetryStore();
    h.deps.telemetry = telemetry;
    const line = (projectId: string) => ({
      kind: "log" as const,
      at: new Date().toISOString(),
      projectId,
      deploymentId: "d",
      requestId: null,
      level: "info" as const,
      text: "hi",
    });
    await telemetry.write({ entries: [line(h.project.id), line(other.id)], errors: [], metrics: [] });
    await requestProjectRemoval(h.deps, h.project);
    await h.drain();
    expect(await telemetry.entries({ projectId: h.project.id, limit: 10 })).toEqual([]);
    expect(await telemetry.entries({ projectId: other.id, limit: 10 })).toHaveLength(1);
  });

  it("forgets its webhook deliveries, and a late delivery for it queues nothing", async () => {
    const { h } = await populated();
    const secret = await webhookSecretOf(h.deps, h.project);
    await requestProjectRemoval(h.deps, h.project);
    await h.drain();
    const { createHmac } = await import("node:crypto");
    const rawBody = Buffer.from(JSON.stringify({ ref: "refs/heads/main", after: "b".repeat(40), head_commit: null }));
    const signature = `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
    await expect(
      handleGithubWebhook(h.deps, { projectId: h.project.id, event: "push", deliveryId: "late", signature, rawBody }),
    ).rejects.toThrow(expect.objectContaining({ code: "PROJECT_NOT_FOUND" }));
  });

  it("cancels a build in flight and lets its watcher stop it before anything is deleted", async () => {
    const { h } = await populated();
    h.pollsPerBuild = 1_000; // the build would run on and on
    const running = await h.deploy({ sha: "c".repeat(40) });
    // Deliver until the build runs.
    for (let job = await h.claim(); job && (await h.status(running.id)) !== "building"; job = await h.claim()) {
      await h.run(job);
    }
    expect(await h.status(running.id)).toBe("building");

    expect(await removeProjectStep(h.deps, h.project.id)).toBe("waiting-for-builds");
    expect(await h.deps.store.projects.get(h.project.id)).not.toBeNull();
    expect(await h.status(running.id)).toBe("canceled");
    await h.drain();
    expect(h.cancels).toContain(running.id);
    expect(await h.deps.store.projects.get(h.project.id)).toBeNull();
  });

  it("finishes after a crash halfway: the message comes back and the next run completes the removal", async () => {
    const { h, production, preview } = await populated();
    const deactivate = h.deployer.deactivate.bind(h.deployer);
    let calls = 0;
    h.deps = {
      ...h.deps,
      deployer: {
        ...h.deployer,
        // The process dies after stopping the first deployment's workers.
        deactivate: async (id) => {
          if (++calls === 2) throw new Error("process died");
          await deactivate(id);
        },
      },
    };
    await requestProjectRemoval(h.deps, h.project);
    const job = await h.claim();
    expect(job?.type).toBe(REMOVE_PROJECT_JOB);
    if (job) await h.run(job);
    // Half done: its URLs are gone, the project (what a second `rm` needs) is still there.
    expect(await h.deps.store.aliases.listByProject(h.project.id)).toEqual([]);
    expect(await h.deps.store.projects.get(h.project.id)).not.toBeNull();

    await h.drain();
    expect((await everythingOf(h, h.project.id, [production, preview])).project).toBeNull();
    expect(h.deployer.active.size).toBe(0);
  });

  it("is idempotent: asked twice, the second run finds it gone", async () => {
    const { h } = await populated();
    await requestProjectRemoval(h.deps, h.project);
    await requestProjectRemoval(h.deps, h.project);
    await h.drain();
    expect(await h.deps.store.projects.get(h.project.id)).toBeNull();
    expect(await removeProjectStep(h.deps, h.project.id)).toBe("already-gone");
  });
});
