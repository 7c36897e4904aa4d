import {
  CANARY_ALARM_JOB,
  CANARY_UNWATCH_JOB,
  CANARY_WATCH_JOB,
  type CanaryWatch,
  type CoreDeps,
  handleCanaryJob,
  isSlipwayError,
  type Project,
  pointAliases,
  promote,
  pruneDeployments,
  rollback,
} from "@slipway/core";
import { savedReadyDeployment } from "@slipway/core/contracts";
import {
  createMemoryBlobStore,
  createMemoryDeployer,
  createMemoryLogStore,
  createMemoryQueue,
  createMemoryStore,
} from "@slipway/memory";
import { describe, expect, it } from "vitest";

// Canary releases through the use cases, on the in-memory store: the state on the production
// alias, the events in the canary deployment's log, the watch steps they queue and run.

const HOST = "shop.localhost";

function setup(options: { watch?: boolean } = {}) {
  const jobs: Array<{ type: string; payload: unknown }> = [];
  const watchCalls: string[] = [];
  const canaryWatch: CanaryWatch = {
    name: "recording",
    async watch(deployment) {
      watchCalls.push(`watch ${deployment.id}`);
    },
    async unwatch(deploymentId) {
      watchCalls.push(`unwatch ${deploymentId}`);
    },
  };
  const deps = {
    store: createMemoryStore(createMemoryQueue()),
    logs: createMemoryLogStore(),
    blobs: createMemoryBlobStore(),
    deployer: createMemoryDeployer(),
    queue: {
      name: "recording",
      async enqueue(type: string, payload: unknown) {
        jobs.push({ type, payload });
        return String(jobs.length);
      },
    },
    urls: { hostname: (l: string) => `${l}.localhost`, url: (h: string) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 0 },
    ...(options.watch === false ? {} : { canaryWatch }),
  } as unknown as CoreDeps;
  return { deps, jobs, watchCalls };
}

let clock = 0;
async function project(deps: CoreDeps): Promise<Project> {
  const p: Project = {
    id: `p${++clock}`,
    name: "shop",
    repoUrl: "https://github.com/acme/shop.git",
    repoCredentialEncrypted: null,
    productionBranch: "main",
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22",
    webhookSecretEncrypted: "x",
    teamId: null,
    createdAt: new Date(0).toISOString(),
  };
  await deps.store.projects.create(p);
  return p;
}

/** A ready production deployment of `p`, a second newer than the last. */
const ready = (deps: CoreDeps, p: Project) => savedReadyDeployment(deps.store, p.id);

/** A project with `stable` in production and `next` ready beside it. */
async function site(options: { watch?: boolean } = {}) {
  const h = setup(options);
  const p = await project(h.deps);
  const stable = await ready(h.deps, p);
  const next = await ready(h.deps, p);
  await promote(h.deps, p, stable.id);
  return { ...h, p, stable, next };
}

const logOf = async (deps: CoreDeps, id: string) => (await deps.logs.read(id)).map((l) => l.text).join("\n");
const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (isSlipwayError(error) ? error.code : String(error)),
  );

describe("canary releases", () => {
  it("promote --canary puts the split on the production alias, says so and queues its watch", async () => {
    const { deps, jobs, p, stable, next } = await site();
    const returned = await promote(deps, p, next.id, { canary: 10 });
    expect(returned.id).toBe(next.id);
    const alias = await deps.store.aliases.get(HOST);
    expect(alias).toMatchObject({ deploymentId: stable.id, canary: { deploymentId: next.id, percent: 10 } });
    expect(await logOf(deps, next.id)).toContain(`Canary: 10% of ${HOST}`);
    expect(jobs).toEqual([{ type: CANARY_WATCH_JOB, payload: { deploymentId: next.id } }]);
  });

  it("refuses a share outside 1–99, the production deployment itself, and a target without a watch", async () => {
    const { deps, p, stable, next } = await site();
    for (const percent of [0, 100, 12.5, Number.NaN]) {
      expect(await errorCode(promote(deps, p, next.id, { canary: percent }))).toBe("INVALID_CANARY");
    }
    expect(await errorCode(promote(deps, p, stable.id, { canary: 10 }))).toBe("NO_CANARY_BASE");
    const edgeless = await site({ watch: false });
    const refusal = await promote(edgeless.deps, edgeless.p, edgeless.next.id, { canary: 10 }).catch((e: Error) => e);
    expect(refusal).toMatchObject({ code: "CANARY_UNSUPPORTED" });
    expect((refusal as Error).message).toContain("has none");
    expect((await edgeless.deps.store.aliases.get(HOST))?.canary).toBeUndefined();
  });

  it("refuses a canary for a project without production", async () => {
    const { deps } = setup();
    const p = await project(deps);
    const d = await ready(deps, p);
    expect(await errorCode(promote(deps, p, d.id, { canary: 10 }))).toBe("NO_CANARY_BASE");
  });

  it("promote without --canary completes it: the canary is production, the split and its watch end", async () => {
    const { deps, jobs, p, next } = await site();
    await promote(deps, p, next.id, { canary: 25 });
    await promote(deps, p, next.id);
    const alias = await deps.store.aliases.get(HOST);
    expect(alias?.deploymentId).toBe(next.id);
    expect(alias?.canary).toBeUndefined();
    expect(await logOf(deps, next.id)).toContain("Canary completed");
    expect(jobs.at(-1)).toEqual({ type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
  });

  it("rollback cancels a running canary and leaves production where it is", async () => {
    const { deps, jobs, p, stable, next } = await site();
    await promote(deps, p, next.id, { canary: 25 });
    const serving = await rollback(deps, p);
    expect(serving.id).toBe(stable.id);
    const alias = await deps.store.aliases.get(HOST);
    expect(alias?.deploymentId).toBe(stable.id);
    expect(alias?.canary).toBeUndefined();
    expect(await logOf(deps, next.id)).toContain("Canary cancelled (rolled back by a user)");
    expect(jobs.at(-1)).toEqual({ type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
  });

  it("a newer production deploy ends the canary", async () => {
    const { deps, jobs, p, next } = await site();
    await promote(deps, p, next.id, { canary: 25 });
    const newer = await ready(deps, p);
    await pointAliases(deps, p, newer);
    const alias = await deps.store.aliases.get(HOST);
    expect(alias?.deploymentId).toBe(newer.id);
    expect(alias?.canary).toBeUndefined();
    expect(await logOf(deps, next.id)).toContain(`Canary ended: production moved to ${newer.id}`);
    expect(jobs.at(-1)).toEqual({ type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
  });

  it("retention keeps the canary deployment", async () => {
    const { deps, p, next } = await site();
    await promote(deps, p, next.id, { canary: 25 });
    await pruneDeployments(deps, p);
    expect((await deps.store.deployments.get(next.id))?.artifactKey).not.toBeNull();
  });

  it("the steps watch a running canary only, and unwatch one that ended", async () => {
    const { deps, watchCalls, p, next } = await site();
    await handleCanaryJob(deps, { type: CANARY_WATCH_JOB, payload: { deploymentId: next.id } });
    expect(watchCalls).toEqual([`unwatch ${next.id}`]);
    await promote(deps, p, next.id, { canary: 5 });
    await handleCanaryJob(deps, { type: CANARY_WATCH_JOB, payload: { deploymentId: next.id } });
    // A late unwatch of an earlier run of the same canary leaves the running one watched.
    await handleCanaryJob(deps, { type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
    expect(watchCalls.slice(1)).toEqual([`watch ${next.id}`]);
    await rollback(deps, p);
    await handleCanaryJob(deps, { type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
    expect(watchCalls.slice(2)).toEqual([`unwatch ${next.id}`]);
    expect(await handleCanaryJob(deps, { type: "deploy", payload: { deploymentId: next.id } })).toBe(false);
  });

  it("an alarm cancels its canary with the reason in the deployment's log", async () => {
    const { deps, jobs, p, stable, next } = await site();
    await promote(deps, p, next.id, { canary: 50 });
    const reason = "Threshold Crossed: 1 datapoint [7.0] was >= the threshold (5.0).";
    await handleCanaryJob(deps, { type: CANARY_ALARM_JOB, payload: { deploymentId: next.id, reason } });
    const alias = await deps.store.aliases.get(HOST);
    expect(alias).toMatchObject({ deploymentId: stable.id });
    expect(alias?.canary).toBeUndefined();
    expect(await logOf(deps, next.id)).toContain(`Canary cancelled (error alarm: ${reason})`);
    expect(jobs.at(-1)).toEqual({ type: CANARY_UNWATCH_JOB, payload: { deploymentId: next.id } });
  });

  it("an alarm of an older canary leaves a newer one running and only removes the old watch", async () => {
    const { deps, watchCalls, p, next } = await site();
    const newer = await ready(deps, p);
    await promote(deps, p, next.id, { canary: 10 });
    await promote(deps, p, newer.id, { canary: 10 });
    expect(await logOf(deps, next.id)).toContain(`Canary replaced by deployment ${newer.id}`);
    await handleCanaryJob(deps, { type: CANARY_ALARM_JOB, payload: { deploymentId: next.id, reason: "late" } });
    expect((await deps.store.aliases.get(HOST))?.canary?.deploymentId).toBe(newer.id);
    expect(watchCalls).toEqual([`unwatch ${next.id}`]);
  });
});
