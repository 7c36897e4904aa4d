import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ActivationResult,
  type BuildRequest,
  type BuildStatus,
  type CoreDeps,
  type Deployment,
  handleDeployJob,
  type Job,
  type Project,
  queueDeployment,
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

/**
 * The deploy pipeline on the real SQLite store, queue and blob store, with a fake builder and
 * deployer, and a queue clock the test moves (no sleeps): each step can be delivered, repeated,
 * reordered or "crashed" exactly where a test wants.
 */
export interface PipelineHarness {
  deps: CoreDeps;
  queue: SqliteQueue;
  project: Project;
  /** Deployment ids whose build was started, once per real start. */
  starts: string[];
  cancels: string[];
  activations: string[];
  /** Polls a build answers `running` before it succeeds. */
  pollsPerBuild: number;
  /** Overrides the next build's outcome. */
  buildOutcome: (request: BuildRequest) => BuildStatus | null;
  activate: (deployment: Deployment) => Promise<ActivationResult>;
  /** Moves the queue's clock, so delayed messages (build watching) become due. */
  advance(ms: number): void;
  /** A production deployment of `main` unless told otherwise; `branch: null` deploys a bare sha. */
  deploy(options?: {
    sha?: string;
    branch?: string | null;
    environment?: "production" | "preview";
  }): Promise<Deployment>;
  /** Claims one due message (any), or null. */
  claim(): Promise<Job | null>;
  /** Runs one message to its end: handled then completed, or failed (retried at once) when it throws. */
  run(job: Job): Promise<void>;
  /** Delivers messages until none is left, moving the clock past delays. */
  drain(options?: { pick?: (jobs: Job[]) => Job; limit?: number }): Promise<void>;
  status(id: string): Promise<string | undefined>;
  production(): Promise<string | undefined>;
  close(): Promise<void>;
}

let counter = 0;

export async function pipelineHarness(): Promise<PipelineHarness> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-pipeline-"));
  const db = openSqlite(join(dir, "slipway.db"));
  // Real time plus what the test skipped: the outbox stamps its messages with the real clock.
  let skipped = 0;
  const store = createSqliteStore(db);
  const queue = createSqliteQueue(db, { now: () => Date.now() + skipped, maxAttempts: 1_000_000 });
  const blobs = createFsBlobStore(dir);
  const builds = new Map<string, { request: BuildRequest; polls: number; canceled: boolean }>();

  const h = {
    queue,
    starts: [] as string[],
    cancels: [] as string[],
    activations: [] as string[],
    pollsPerBuild: 2,
    buildOutcome: () => null,
    activate: async (): Promise<ActivationResult> => ({ ok: true, warmMs: 1 }),
  } as Partial<PipelineHarness> as PipelineHarness;

  h.deps = {
    store,
    queue,
    blobs,
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    builder: {
      name: "fake",
      // Like the real one: one build per deployment, whatever the number of starts.
      async start(request) {
        const handle = `build-${request.deploymentId}`;
        if (!builds.has(handle)) {
          builds.set(handle, { request, polls: 0, canceled: false });
          h.starts.push(request.deploymentId);
        }
        return handle;
      },
      async status(handle): Promise<BuildStatus> {
        const build = builds.get(handle);
        if (!build) return { state: "lost", reason: "unknown build" };
        if (build.canceled) return { state: "failed", reason: "canceled" };
        if (build.polls++ < h.pollsPerBuild) return { state: "running" };
        const forced = h.buildOutcome(build.request);
        if (forced) return forced;
        const artifactKey = `artifacts/${build.request.deploymentId}.tar`;
        await blobs.put(artifactKey, Buffer.from("artifact"));
        return { state: "succeeded", artifactKey };
      },
      async cancel(handle) {
        const build = builds.get(handle);
        if (build && !build.canceled) {
          build.canceled = true;
          h.cancels.push(build.request.deploymentId);
        }
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
    settings: { retainDeployments: 10, maxConcurrentBuilds: 1 },
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
    webhookSecretEncrypted: await h.deps.secrets.encrypt("s"),
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  await store.projects.create(h.project);

  h.advance = (ms) => {
    skipped += ms;
  };
  h.deploy = async ({ sha, branch = "main", environment } = {}) => {
    counter++;
    // Distinct creation times: "newer" must be unambiguous for the alias rules.
    await new Promise((resolve) => setTimeout(resolve, 2));
    return queueDeployment(h.deps, {
      project: h.project,
      sha: sha ?? counter.toString(16).padStart(40, "a"),
      branch,
      environment: environment ?? (branch === "main" ? "production" : "preview"),
      trigger: "api",
    });
  };
  h.claim = () => queue.claim(60_000);
  h.run = async (job) => {
    try {
      await handleDeployJob(h.deps, job);
      await queue.complete(job.receipt);
    } catch (error) {
      await queue.fail(job.receipt, String(error), { retryAfterMs: 0 });
    }
  };
  h.drain = async (options = {}) => {
    const limit = options.limit ?? 500;
    for (let delivered = 0; delivered < limit; delivered++) {
      const due: Job[] = [];
      for (let job = await h.claim(); job; job = await h.claim()) due.push(job);
      if (due.length === 0) {
        if ((await queue.pending()) === 0) return;
        h.advance(1_000);
        continue;
      }
      // Run one, give the others back: the next round may pick any of them again.
      const chosen = options.pick ? options.pick(due) : (due[0] as Job);
      for (const other of due) if (other !== chosen) await queue.fail(other.receipt, "not now", { retryAfterMs: 0 });
      await h.run(chosen);
    }
    throw new Error(`still ${await queue.pending()} message(s) after ${limit} deliveries`);
  };
  h.status = async (id) => (await store.deployments.get(id))?.status;
  h.production = async () => (await store.aliases.production(h.project.id))?.deploymentId;
  h.close = async () => {
    await store.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  };
  return h;
}

/** A small seeded PRNG (mulberry32), so a failing interleaving can be replayed by its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
