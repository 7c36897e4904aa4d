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
import { project } from "@slipway/core/contracts";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryBuilder,
  createMemoryDeployer,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
  type MemoryBuildCache,
  type MemoryDeployer,
  type MemoryQueue,
} from "@slipway/memory";

/**
 * The deploy pipeline on the in-memory adapters (each passes its port's contract, SQLite's
 * compare-and-set and outbox included), with a queue clock the test moves (no sleeps): each step
 * can be delivered, repeated, reordered or "crashed" exactly where a test wants. Real processes
 * racing on SQLite are pinned in packages/local's concurrency tests.
 */
export interface PipelineHarness {
  deps: CoreDeps;
  queue: MemoryQueue;
  project: Project;
  /** Deployment ids whose build was started, once per real start. */
  starts: string[];
  cancels: string[];
  activations: string[];
  buildCache: MemoryBuildCache;
  deployer: MemoryDeployer;
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
  // Real time plus what the test skipped: the outbox stamps its messages with the queue's clock.
  let skipped = 0;
  const queue = createMemoryQueue({ now: () => Date.now() + skipped, maxAttempts: 1_000_000 });
  const store = createMemoryStore(queue);
  const blobs = createMemoryBlobStore();
  // Like the real one: one build per deployment, whatever the number of starts.
  const builder = createMemoryBuilder({ blobs, pollsPerBuild: 2, outcome: (request) => h.buildOutcome(request) });
  const deployer = createMemoryDeployer({ activate: (deployment) => h.activate(deployment) });

  const h = {
    queue,
    starts: builder.starts,
    cancels: builder.cancels,
    activations: deployer.activations,
    buildOutcome: () => null,
    activate: async (): Promise<ActivationResult> => ({ ok: true, warmMs: 1 }),
    buildCache: createMemoryBuildCache(),
    deployer,
  } as Partial<PipelineHarness> as PipelineHarness;
  Object.defineProperty(h, "pollsPerBuild", {
    get: () => builder.pollsPerBuild,
    set: (polls: number) => {
      builder.pollsPerBuild = polls;
    },
  });

  h.deps = {
    store,
    queue,
    blobs,
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    builder,
    buildCache: h.buildCache,
    deployer,
    git: createMemoryGitRemote(),
    statusReporter: null,
    urls: { hostname: (l) => `${l}.localhost`, url: (host) => `http://${host}`, apiUrl: "http://127.0.0.1:7300" },
    settings: { retainDeployments: 10, maxConcurrentBuilds: 1 },
  };
  h.project = project({
    id: "p1",
    name: "site",
    buildCommand: null,
    webhookSecretEncrypted: await h.deps.secrets.encrypt("s"),
  });
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
