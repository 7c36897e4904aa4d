import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ActivationResult,
  type BuildResult,
  type CoreDeps,
  DEPLOY_JOB,
  type DeployJobPayload,
  type Deployment,
  type DeploymentManifest,
  giveUpDeployment,
  interruptRunningDeployments,
  type Project,
  requeueUnfinished,
  runDeployment,
} from "@slipway/core";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
  type SqliteQueue,
} from "@slipway/local";
import { afterEach, describe, expect, it } from "vitest";

// What `slipway up` does after a crash (release leases, queue every unfinished deployment, run the
// deploy job), on the real SQLite store, queue and blob store, with a fake builder and deployer
// so each crash point can be set up exactly. The end-to-end crash test covers the same ground
// with real builds at random points; this one pins each case down.

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Harness {
  deps: CoreDeps;
  queue: SqliteQueue;
  builds: string[];
  activations: string[];
  project: Project;
  /** What the next build does before it stores its artifact. */
  beforeBuild: (signal: AbortSignal) => Promise<void>;
  /** What the next activation does. */
  activate: (deployment: Deployment) => Promise<ActivationResult>;
}

async function harness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-recovery-"));
  dirs.push(dir);
  const db = openSqlite(join(dir, "slipway.db"));
  const store = createSqliteStore(db);
  const queue = createSqliteQueue(db);
  const blobs = createFsBlobStore(dir);
  const h = {
    queue,
    builds: [] as string[],
    activations: [] as string[],
    activate: async (): Promise<ActivationResult> => ({ ok: true, warmMs: 1 }),
    beforeBuild: async () => {},
  } as Partial<Harness> as Harness;
  h.deps = {
    store,
    queue,
    blobs,
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    builder: {
      name: "fake",
      async build(request): Promise<BuildResult> {
        h.builds.push(request.deploymentId);
        await h.beforeBuild(request.signal);
        if (request.signal.aborted) return { ok: false, reason: "aborted" };
        const artifactKey = `artifacts/${request.deploymentId}.tar`;
        await blobs.put(artifactKey, Buffer.from("artifact"));
        return { ok: true, artifactKey, manifest: {} as DeploymentManifest, timings: {} };
      },
    },
    deployer: {
      name: "fake",
      async activate(deployment) {
        h.activations.push(deployment.id);
        return h.activate(deployment);
      },
      async deactivate() {},
    },
    git: { resolveRef: async () => null } as unknown as CoreDeps["git"],
    statusReporter: null,
    urls: { hostname: (l) => `${l}.localhost`, url: (host) => `http://${host}`, apiUrl: "http://127.0.0.1:7300" },
    settings: { retainDeployments: 10 },
  };
  h.project = {
    id: "p1",
    name: "site",
    repoUrl: "https://github.com/acme/site.git",
    repoCredentialEncrypted: null,
    productionBranch: "main",
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    webhookSecretEncrypted: "v1:unused",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  await store.projects.create(h.project);
  return h;
}

let clock = 0;
async function leftBehind(h: Harness, overrides: Partial<Deployment>): Promise<Deployment> {
  clock++;
  const deployment: Deployment = {
    id: `d${clock}`,
    projectId: h.project.id,
    environment: "production",
    status: "queued",
    statusReason: null,
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch: "main", message: null, author: null },
    trigger: "api",
    artifactKey: null,
    envSnapshot: null,
    createdAt: `2026-01-01T00:00:${String(clock).padStart(2, "0")}.000Z`,
    buildStartedAt: null,
    readyAt: null,
    finishedAt: null,
    ...overrides,
  };
  await h.deps.store.deployments.create(deployment);
  return deployment;
}

/** The restart: leases back, unfinished work queued again, then every job run to the end. */
async function restart(h: Harness): Promise<void> {
  await h.queue.releaseAll();
  await requeueUnfinished(h.deps);
  for (let job = await h.queue.claim(60_000); job; job = await h.queue.claim(60_000)) {
    if (job.type === DEPLOY_JOB) await runDeployment(h.deps, (job.payload as DeployJobPayload).deploymentId);
    await h.queue.complete(job.receipt);
  }
}

const status = async (h: Harness, id: string) => (await h.deps.store.deployments.get(id))?.status;
const production = async (h: Harness) => (await h.deps.store.aliases.production(h.project.id))?.deploymentId;

describe("recovery after a crash", () => {
  it("builds again a deployment that died queued or mid-build, each once, and serves the newest", async () => {
    const h = await harness();
    const queued = await leftBehind(h, { status: "queued" });
    const building = await leftBehind(h, { status: "building", buildStartedAt: "2026-01-01T00:00:00.000Z" });
    await restart(h);
    expect(h.builds.sort()).toEqual([queued.id, building.id].sort());
    expect([await status(h, queued.id), await status(h, building.id)]).toEqual(["ready", "ready"]);
    expect(await production(h)).toBe(building.id);
  });

  it("resumes a deployment that died while deploying from its stored artifact, without building", async () => {
    const h = await harness();
    const artifactKey = "artifacts/stored.tar";
    await h.deps.blobs.put(artifactKey, Buffer.from("artifact"));
    const deploying = await leftBehind(h, { status: "deploying", artifactKey });
    await restart(h);
    expect(h.builds).toEqual([]);
    expect(h.activations).toEqual([deploying.id]);
    expect(await status(h, deploying.id)).toBe("ready");
    expect(await production(h)).toBe(deploying.id);
  });

  it("builds again when the artifact a deploying deployment points to is gone", async () => {
    const h = await harness();
    const deploying = await leftBehind(h, { status: "deploying", artifactKey: "artifacts/lost.tar" });
    await restart(h);
    expect(h.builds).toEqual([deploying.id]);
    expect(await status(h, deploying.id)).toBe("ready");
  });

  it("ends in error, not stuck deploying, when activation throws; production stays where it was", async () => {
    const h = await harness();
    const good = await leftBehind(h, { status: "queued" });
    await restart(h);
    expect(await production(h)).toBe(good.id);
    h.activate = async () => {
      throw new Error("worker did not start within 15000 ms");
    };
    const broken = await leftBehind(h, { status: "building" });
    await restart(h);
    const after = await h.deps.store.deployments.get(broken.id);
    expect(after).toMatchObject({ status: "error", statusReason: "worker did not start within 15000 ms" });
    expect(await production(h)).toBe(good.id);
  });

  it("leaves finished deployments alone: duplicate jobs from repeated crashes do nothing", async () => {
    const h = await harness();
    const done = await leftBehind(h, { status: "queued" });
    await restart(h);
    // Two more crashes, each queueing the same deployment again.
    for (let i = 0; i < 2; i++) await h.queue.enqueue(DEPLOY_JOB, { deploymentId: done.id });
    await restart(h);
    expect(h.builds).toEqual([done.id]);
    expect(h.activations).toEqual([done.id]);
  });

  it("a graceful stop interrupts a running build at once; the next start builds it again", async () => {
    const h = await harness();
    // A build that would run for an hour unless aborted.
    h.beforeBuild = (signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, 3_600_000);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const deployment = await leftBehind(h, { status: "queued" });
    const running = runDeployment(h.deps, deployment.id);
    while (h.builds.length === 0) await new Promise((r) => setTimeout(r, 5));
    interruptRunningDeployments("the platform is stopping");
    await running;
    expect(await status(h, deployment.id)).toBe("building");
    const log = await h.deps.logs.read(deployment.id);
    expect(log.map((l) => l.text).join("\n")).toContain("Interrupted");

    h.beforeBuild = async () => {};
    await restart(h);
    expect(h.builds).toEqual([deployment.id, deployment.id]);
    expect(await status(h, deployment.id)).toBe("ready");
  });

  it("gives up a deployment whose job throws every time: error with the fault as reason, production untouched", async () => {
    const h = await harness();
    const broken = await leftBehind(h, { status: "queued" });
    h.beforeBuild = async () => {
      throw new Error("disk full");
    };
    await expect(runDeployment(h.deps, broken.id)).rejects.toThrow("disk full");
    expect(await status(h, broken.id)).toBe("building");
    await giveUpDeployment(h.deps, broken.id, new Error("disk full"));
    const after = await h.deps.store.deployments.get(broken.id);
    expect(after).toMatchObject({ status: "error", statusReason: expect.stringContaining("disk full") });
    expect((await h.deps.logs.read(broken.id)).at(-1)?.text).toContain("disk full");
    expect(await production(h)).toBeUndefined();
  });
});
