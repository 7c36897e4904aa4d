import {
  ACTIVATE_JOB,
  cancelDeployment,
  DEPLOY_JOB,
  type Deployment,
  handleDeployJob,
  handleGithubWebhook,
  type Job,
  resumeStalledDeployments,
  STALL_AFTER_MS,
  WATCH_BUILD_JOB,
} from "@slipway/core";
import { afterEach, describe, expect, it } from "vitest";
import { type PipelineHarness, pipelineHarness, seeded } from "./test-support/pipeline-harness.ts";

// The deploy pipeline as separate messages on the real SQLite store and queue, a fake builder and
// deployer: every step delivered twice, out of order, "crashed" between its writes, raced by a
// cancel or by another deployment. (tests/e2e/crash.test.ts does the same with real processes.)

const harnesses: PipelineHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});
async function harness(): Promise<PipelineHarness> {
  const h = await pipelineHarness();
  harnesses.push(h);
  return h;
}

/** The step a message stands for, for tests that act "between two steps". */
const STEPS = [DEPLOY_JOB, WATCH_BUILD_JOB, ACTIVATE_JOB];

describe("deploy pipeline", () => {
  it("takes a deployment queued → building → deploying → ready, then moves production", async () => {
    const h = await harness();
    const d = await h.deploy();
    await h.drain();
    expect(await h.status(d.id)).toBe("ready");
    expect(await h.production()).toBe(d.id);
    expect(h.starts).toEqual([d.id]);
    expect(h.activations).toEqual([d.id]);
    const log = (await h.deps.logs.read(d.id)).map((l) => l.text).join("\n");
    expect(log).toMatch(/Building[\s\S]*Activating[\s\S]*Ready/);
  });

  it("writes the deployment and its first message together, even when the queue port would fail", async () => {
    const h = await harness();
    // The outbox does not go through Queue.enqueue: were it (create, then enqueue), this failure
    // would leave a deployment no message will ever move.
    h.deps = {
      ...h.deps,
      queue: {
        ...h.deps.queue,
        enqueue: async () => {
          throw new Error("queue unavailable");
        },
      },
    };
    const d = await h.deploy();
    const job = await h.claim();
    expect(job).toMatchObject({ type: DEPLOY_JOB, payload: { deploymentId: d.id } });
  });

  it("a failed create leaves no message behind", async () => {
    const h = await harness();
    const d = await h.deploy();
    // Same id again: the insert fails, and its outbox message must roll back with it.
    await expect(
      h.deps.store.deployments.create(d, [{ type: DEPLOY_JOB, payload: { deploymentId: "x" } }]),
    ).rejects.toThrow();
    const jobs: Job[] = [];
    for (let job = await h.claim(); job; job = await h.claim()) jobs.push(job);
    expect(jobs.map((j) => (j.payload as { deploymentId: string }).deploymentId)).toEqual([d.id]);
  });

  it("ends ready whatever message is delivered twice, and builds and activates once", async () => {
    for (const step of STEPS) {
      const h = await harness();
      const d = await h.deploy();
      // Every message of this step is delivered twice in a row (a redelivery after a lost ack).
      const realRun = h.run;
      h.run = async (job) => {
        if (job.type === step) await handleDeployJob(h.deps, job);
        await realRun(job);
      };
      await h.drain();
      // And once more, late, after the end.
      const payload =
        step === WATCH_BUILD_JOB ? { deploymentId: d.id, handle: `build-${d.id}` } : { deploymentId: d.id };
      await h.queue.enqueue(step, payload);
      await h.drain();
      expect(await h.status(d.id)).toBe("ready");
      expect(h.starts).toEqual([d.id]);
      expect(h.activations).toEqual([d.id]);
      expect(await h.production()).toBe(d.id);
    }
  });

  it("two deliveries of activate at once (a slow step resumed by the sweeper) leave it ready and its files in place", async () => {
    const h = await harness();
    const d = await h.deploy();
    // Every step up to activation; its message stays claimed, delivered by hand below.
    for (let job = await h.claim(); job?.type !== ACTIVATE_JOB; job = await h.claim()) {
      if (job) await h.run(job);
      else h.advance(60_000);
    }
    expect(await h.status(d.id)).toBe("deploying");
    // The second delivery activates while the first is still pre-warming, and finishes last.
    let releaseFirst = () => {};
    const firstWarming = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let calls = 0;
    h.activate = async () => {
      if (++calls === 1) await firstWarming;
      return { ok: true, warmMs: 1 };
    };
    const first = handleDeployJob(h.deps, { type: ACTIVATE_JOB, payload: { deploymentId: d.id } } as Job);
    await handleDeployJob(h.deps, { type: ACTIVATE_JOB, payload: { deploymentId: d.id } } as Job);
    releaseFirst();
    await first;
    expect(await h.status(d.id)).toBe("ready");
    expect(await h.production()).toBe(d.id);
    // The loser of the compare-and-set must not take the winner's files away from production.
    expect(h.deployer.active.has(d.id)).toBe(true);
  });

  it("survives a crash between every pair of writes: each message fails once right before it would enqueue the next", async () => {
    for (const step of STEPS) {
      const h = await harness();
      const d = await h.deploy();
      const realEnqueue = h.deps.queue.enqueue.bind(h.deps.queue);
      let crashed = false;
      h.deps.queue.enqueue = async (type, payload, options) => {
        if (!crashed && type === step) {
          crashed = true;
          throw new Error(`killed before enqueueing ${type}`);
        }
        return realEnqueue(type, payload, options);
      };
      await h.drain();
      expect(crashed || step === DEPLOY_JOB).toBe(true);
      expect(await h.status(d.id)).toBe("ready");
      expect(h.starts).toEqual([d.id]);
      expect(await h.production()).toBe(d.id);
    }
  });

  it("survives a crash in the middle of the alias moves: the redelivery finishes them", async () => {
    const h = await harness();
    const d = await h.deploy();
    const realSetIf = h.deps.store.aliases.setIf.bind(h.deps.store.aliases);
    let crashed = false;
    h.deps.store.aliases.setIf = async (alias, expected) => {
      if (!crashed && alias.kind === "production") {
        crashed = true;
        throw new Error("killed mid alias move");
      }
      return realSetIf(alias, expected);
    };
    await h.drain();
    expect(crashed).toBe(true);
    expect(await h.status(d.id)).toBe("ready");
    expect(await h.production()).toBe(d.id);
    expect(await h.deps.store.aliases.get(`site-${d.id}.localhost`)).not.toBeNull();
  });

  it("a cancel at any step wins: the build is stopped, no alias ever points at it", async () => {
    for (let delivered = 0; delivered < 8; delivered++) {
      const h = await harness();
      const before = await h.deploy();
      await h.drain();
      const d = await h.deploy();
      await h.drain({ limit: delivered }).catch(() => undefined);
      const building = (await h.status(d.id)) === "building" && h.starts.includes(d.id);
      const canceled = await cancelDeployment(h.deps, d, "test").then(
        () => true,
        () => false, // it finished before the cancel: then it must be ready and serving
      );
      await h.drain();
      if (canceled) {
        expect(await h.status(d.id)).toBe("canceled");
        expect(await h.production()).toBe(before.id);
        expect(await h.deps.store.aliases.listByDeployment(d.id)).toEqual([]);
        // A build that was running is stopped (by its watcher, from whichever process).
        if (building) expect(h.cancels).toContain(d.id);
      } else {
        expect(await h.status(d.id)).toBe("ready");
        expect(await h.production()).toBe(d.id);
      }
    }
  });

  it("a cancel that lands while the aliases move is refused: production never serves a canceled deployment", async () => {
    const h = await harness();
    const before = await h.deploy();
    await h.drain();
    const d = await h.deploy();
    const realSetIf = h.deps.store.aliases.setIf.bind(h.deps.store.aliases);
    const outcomes: string[] = [];
    h.deps.store.aliases.setIf = async (alias, expected) => {
      if (alias.deploymentId === d.id && alias.kind === "production") {
        outcomes.push(
          await cancelDeployment(h.deps, d, "late cancel").then(
            (x) => x.status,
            (e: Error) => e.message,
          ),
        );
      }
      return realSetIf(alias, expected);
    };
    await h.drain();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toContain("already ready");
    expect(await h.status(d.id)).toBe("ready");
    expect(await h.production()).toBe(d.id);
    expect(before.id).not.toBe(d.id);
  });

  it("two production deploys finishing in any order leave production on the newer one", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = seeded(seed);
      const h = await harness();
      h.deps.settings.maxConcurrentBuilds = 2;
      h.pollsPerBuild = Math.floor(random() * 3);
      // Bare shas: neither supersedes the other.
      const older = await h.deploy({ branch: null, environment: "production" });
      const newer = await h.deploy({ branch: null, environment: "production" });
      await h.drain({ pick: (jobs) => jobs[Math.floor(random() * jobs.length)] as Job });
      expect([await h.status(older.id), await h.status(newer.id)], `seed ${seed}`).toEqual(["ready", "ready"]);
      expect(await h.production(), `seed ${seed}`).toBe(newer.id);
    }
  });

  it("alias moves are compare-and-set: an older deployment's move racing a newer one's never wins", async () => {
    const h = await harness();
    const older = await h.deploy({ sha: "1".repeat(40), branch: "feature" });
    const newer = await h.deploy({ sha: "2".repeat(40), branch: "feature" });
    for (const d of [older, newer]) await h.deps.store.deployments.update(d.id, { artifactKey: `a/${d.id}` });
    const ready = async (d: Deployment) => ({ ...d, status: "ready" as const, artifactKey: `a/${d.id}` });
    const { pointAliases } = await import("@slipway/core");
    // Both read "no branch alias" before either writes; the older one writes last.
    await Promise.all([
      pointAliases(h.deps, h.project, await ready(newer)),
      pointAliases(h.deps, h.project, await ready(older)),
    ]);
    expect((await h.deps.store.aliases.get("site-git-feature.localhost"))?.deploymentId).toBe(newer.id);
  });

  it("waits for a build slot: the second deployment starts building only once the first is past its build", async () => {
    const h = await harness();
    h.pollsPerBuild = 3;
    const first = await h.deploy({ sha: "3".repeat(40), branch: "a" });
    const second = await h.deploy({ sha: "4".repeat(40), branch: "b" });
    // Newest message first, so the second deployment's start is tried while the first builds.
    const realStart = h.deps.builder.start.bind(h.deps.builder);
    const buildingAtStart: number[] = [];
    h.deps.builder.start = async (request) => {
      buildingAtStart.push((await h.deps.store.deployments.listByStatus(["building"])).length);
      return realStart(request);
    };
    await h.drain({ pick: (jobs) => jobs[jobs.length - 1] as Job });
    expect(buildingAtStart).toEqual([1, 1]);
    expect([await h.status(first.id), await h.status(second.id)]).toEqual(["ready", "ready"]);
    expect(h.starts).toEqual([first.id, second.id]);
  });

  it("a failed build ends in error with its reason; production stays where it was", async () => {
    const h = await harness();
    const good = await h.deploy();
    await h.drain();
    h.buildOutcome = () => ({ state: "failed", reason: "next build exited with code 1" });
    const bad = await h.deploy();
    await h.drain();
    expect(await h.deps.store.deployments.get(bad.id)).toMatchObject({
      status: "error",
      statusReason: "next build exited with code 1",
    });
    expect(await h.production()).toBe(good.id);
  });

  it("reports to GitHub when the build starts and when the deployment ends, failed or ready", async () => {
    const h = await harness();
    const reported: string[] = [];
    h.deps.statusReporter = {
      name: "fake",
      report: async (_project, deployment) => {
        reported.push(deployment.status);
      },
    } as NonNullable<typeof h.deps.statusReporter>;
    h.buildOutcome = () => ({ state: "failed", reason: "clone failed" });
    await h.deploy();
    await h.drain();
    expect(reported).toEqual(["queued", "error"]);
    reported.length = 0;
    h.buildOutcome = () => null;
    await h.deploy();
    await h.drain();
    expect(reported).toEqual(["queued", "ready"]);
  });

  it("a build whose process vanished is started again", async () => {
    const h = await harness();
    let lost = 0;
    h.buildOutcome = () =>
      lost++ === 0 ? { state: "lost", reason: "the build process ended without a result" } : null;
    const d = await h.deploy();
    await h.drain();
    expect(await h.status(d.id)).toBe("ready");
    expect(lost).toBe(2);
  });

  it("ends in error, not stuck deploying, when activation throws; production stays where it was", async () => {
    const h = await harness();
    const good = await h.deploy();
    await h.drain();
    h.activate = async () => {
      throw new Error("worker did not start within 15000 ms");
    };
    const broken = await h.deploy();
    await h.drain();
    expect(await h.deps.store.deployments.get(broken.id)).toMatchObject({
      status: "error",
      statusReason: "worker did not start within 15000 ms",
    });
    expect(await h.production()).toBe(good.id);
  });

  it("a late redelivery of activate does not undo a rollback", async () => {
    const h = await harness();
    const first = await h.deploy();
    await h.drain();
    const second = await h.deploy();
    await h.drain();
    await h.deps.store.aliases.set({
      hostname: "site.localhost",
      projectId: h.project.id,
      deploymentId: first.id,
      kind: "production",
    });
    await h.queue.enqueue(ACTIVATE_JOB, { deploymentId: second.id });
    await h.drain();
    expect(await h.production()).toBe(first.id);
  });
});

describe("stalled-deployment sweep", () => {
  /** Claims and acks every due message without running it: the queue "lost" them. */
  async function loseAllMessages(h: PipelineHarness): Promise<number> {
    let lost = 0;
    for (let job = await h.claim(); job; job = await h.claim(), lost++) await h.queue.complete(job.receipt);
    return lost;
  }

  it("brings a deployment whose message was lost, at any step, to ready with one build", async () => {
    for (const expected of ["queued", "building", "deploying"]) {
      const h = await harness();
      const d = await h.deploy();
      // Runs messages one by one until the deployment reaches the step where its message is lost.
      while ((await h.status(d.id)) !== expected) {
        h.advance(1_000);
        const job = await h.claim();
        if (job) await h.run(job);
      }
      h.advance(60_000); // every delayed message is due, then gone
      expect(await loseAllMessages(h)).toBeGreaterThan(0);
      expect(await h.queue.pending()).toBe(0);

      // Touched just now: left alone. Untouched for the stall time: its due step is enqueued.
      expect(await resumeStalledDeployments(h.deps)).toEqual([]);
      const sweptAt = Date.now();
      expect(await resumeStalledDeployments(h.deps, { now: Date.now() + STALL_AFTER_MS + 1 })).toEqual([d.id]);
      expect(await h.queue.pending()).toBe(1);
      // Stamped when resumed: the next sweeps leave it to that message rather than pile up more.
      const stamped = Date.parse((await h.deps.store.deployments.get(d.id))?.updatedAt ?? "");
      expect(stamped).toBeGreaterThanOrEqual(sweptAt);
      await h.drain();
      expect(await h.status(d.id), `lost at ${expected}`).toBe("ready");
      expect(await h.production()).toBe(d.id);
      expect(h.starts).toEqual([d.id]);
      expect(h.activations).toEqual([d.id]);
    }
  });

  it("leaves finished deployments alone", async () => {
    const h = await harness();
    const d = await h.deploy();
    await h.drain();
    expect(await resumeStalledDeployments(h.deps, { now: Date.now() + 10 * STALL_AFTER_MS })).toEqual([]);
    expect(await h.status(d.id)).toBe("ready");
  });
});

describe("GitHub webhook delivery", () => {
  it("is recorded only once its deployment is queued: a redelivery after a failure is not a duplicate", async () => {
    const h = await harness();
    const { createHmac } = await import("node:crypto");
    const body = Buffer.from(
      JSON.stringify({ ref: "refs/heads/main", after: "c".repeat(40), head_commit: { message: "m" } }),
    );
    const delivery = {
      projectId: h.project.id,
      event: "push",
      deliveryId: "gh-1",
      signature: `sha256=${createHmac("sha256", "s").update(body).digest("hex")}`,
      rawBody: body,
    };
    const realCreate = h.deps.store.deployments.create.bind(h.deps.store.deployments);
    h.deps.store.deployments.create = async () => {
      throw new Error("database is locked");
    };
    await expect(handleGithubWebhook(h.deps, delivery)).rejects.toThrow("database is locked");
    h.deps.store.deployments.create = realCreate;
    const again = await handleGithubWebhook(h.deps, delivery);
    expect(again.kind).toBe("queued");
    expect(await handleGithubWebhook(h.deps, delivery)).toEqual({ kind: "duplicate" });
  });
});
