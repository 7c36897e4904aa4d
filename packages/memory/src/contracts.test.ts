import type { BuildCache, Queue, Store } from "@slipway/core";
import {
  buildRequest,
  deployment,
  project,
  runBlobStoreContract,
  runBuildCacheContract,
  runBuilderContract,
  runCommitStatusContract,
  runDeployerContract,
  runGitRemoteContract,
  runLogStoreContract,
  runQueueContract,
  runSecretsContract,
  runStoreContract,
  runTelemetryStoreContract,
} from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryBuilder,
  createMemoryDeployer,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStatusRecorder,
  createMemoryStore,
  createMemoryTelemetryStore,
  type MemoryBuildCache,
  type MemoryDeployer,
  type MemoryGitRemote,
  type MemoryStatusRecorder,
} from "./index.ts";

// The same suites the real adapters run: passing them is what makes these fakes honest.

const outboxes = new WeakMap<Store, Queue>();
runStoreContract({
  name: "memory",
  create: async () => {
    const queue = createMemoryQueue();
    const store = createMemoryStore(queue);
    outboxes.set(store, queue);
    return store;
  },
  outboxOf: (store) => outboxes.get(store) as Queue,
});

runQueueContract({
  name: "memory",
  maxAttempts: 3,
  create: async () => createMemoryQueue({ maxAttempts: 3 }),
  skip: [{ tests: ["jobs survive closing and reopening the queue"], reason: "memory dies with the process" }],
});

runLogStoreContract({ name: "memory", create: async () => createMemoryLogStore() });
runBlobStoreContract({ name: "memory", create: async () => createMemoryBlobStore() });
runTelemetryStoreContract({ name: "memory", create: async () => createMemoryTelemetryStore() });

const buildCaches = new WeakMap<BuildCache, MemoryBuildCache>();
runBuildCacheContract({
  name: "memory",
  create: async () => {
    const cache = createMemoryBuildCache();
    buildCaches.set(cache, cache);
    return cache;
  },
  fill: async (cache, projectId, bytes) => buildCaches.get(cache)?.fill(projectId, bytes),
});

runSecretsContract({
  name: "memory",
  create: async () => createMemorySecrets(),
  createRotated: async () => {
    const old = createMemorySecrets({ keyId: "a" });
    return {
      old,
      current: createMemorySecrets({ keyId: "b", previous: [old] }),
      withoutOld: createMemorySecrets({ keyId: "b" }),
    };
  },
});

runBuilderContract({ name: "memory", create: async () => createMemoryBuilder({ pollsPerBuild: 2 }) });

const deployerBlobs = new WeakMap<MemoryDeployer, ReturnType<typeof createMemoryBlobStore>>();
runDeployerContract({
  name: "memory",
  create: async () => {
    const blobs = createMemoryBlobStore();
    const deployer = createMemoryDeployer({ blobs });
    deployerBlobs.set(deployer, blobs);
    return deployer;
  },
  good: async (deployer) => {
    const d = deployment("p1", { artifactKey: "artifacts/good.tar" });
    await deployerBlobs.get(deployer as MemoryDeployer)?.put("artifacts/good.tar", Buffer.from("x"));
    return d;
  },
  bad: async () => deployment("p1", { artifactKey: "artifacts/never-built.tar" }),
});

runGitRemoteContract({
  name: "memory",
  create: async () => {
    const git = createMemoryGitRemote();
    git.setRef("file:///repos/site.git", "main", "b".repeat(40));
    git.setRef("file:///repos/site.git", "v1", "a".repeat(40));
    return git;
  },
  repo: async () => ({ url: "file:///repos/site.git", main: "b".repeat(40), v1: "a".repeat(40) }),
  missingRepoUrl: async () => "file:///repos/missing.git",
});

runCommitStatusContract({
  name: "memory",
  create: async () => createMemoryStatusRecorder(),
  project: () => project({ repoUrl: "https://github.com/acme/site.git" }),
  recorded: async (reporter, sha) =>
    (reporter as MemoryStatusRecorder).reports
      .filter((r) => r.sha === sha)
      .map(({ sha: s, state, url }) => ({ sha: s, state, url })),
  breakHost: async (reporter) => {
    (reporter as MemoryStatusRecorder).failing = true;
  },
});

describe("memory adapters beyond the contracts", () => {
  it("log seqs skip values, so a reader assuming +1 fails here first", async () => {
    const logs = createMemoryLogStore();
    const line = { at: "2026-01-01T00:00:00.000Z", stream: "stdout" as const, text: "x" };
    await logs.append("d1", [line, line, line]);
    const seqs = (await logs.read("d1")).map((l) => l.seq);
    expect(seqs.some((seq, i) => i > 0 && seq !== (seqs[i - 1] ?? 0) + 1)).toBe(true);
  });

  it("the builder records one start per deployment and one cancel per running build", async () => {
    const builder = createMemoryBuilder();
    const handle = await builder.start(buildRequest("hang", "d1"));
    await builder.start(buildRequest("hang", "d1"));
    await builder.cancel(handle);
    await builder.cancel(handle);
    expect(builder.starts).toEqual(["d1"]);
    expect(builder.cancels).toEqual(["d1"]);
  });

  it("the git remote holds no ref it was not given", async () => {
    const git: MemoryGitRemote = createMemoryGitRemote();
    git.setRef("u", "main", "c".repeat(40));
    expect(await git.resolveRef("u", "dev", null)).toBeNull();
  });
});
