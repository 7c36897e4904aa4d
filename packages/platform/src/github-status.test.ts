import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGithubStatusReporter, type Deployment } from "@slipway/core";
import {
  deployment as contractDeployment,
  project as contractProject,
  runCommitStatusContract,
} from "@slipway/core/contracts";
import { createSqliteStore, openSqlite } from "@slipway/local";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeGithub, startFakeGithub } from "./test-support/fake-github.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const project = contractProject({ id: "p1", name: "site" });

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-github-status-"));
  const db = openSqlite(join(dir, "slipway.db"));
  const store = createSqliteStore(db);
  const github: FakeGithub = await startFakeGithub();
  cleanups.push(async () => {
    await github.close();
    await store.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
  await store.projects.create(project);
  const deployment = contractDeployment(project.id, {
    id: "d1",
    environment: "production",
    commit: { sha: "a".repeat(40), branch: "main", message: null, author: null },
    trigger: "api",
  });
  await store.deployments.create(deployment);
  // One reporter per process: `slipway up` and a `slipway worker`, each with its own connection.
  const logged: string[] = [];
  const reporter = () =>
    createGithubStatusReporter({
      token: "t",
      apiUrl: github.url,
      deployments: store.deployments,
      log: (line) => logged.push(line),
    });
  return { store, github, reporter, logged };
}

describe("GitHub status reporter", () => {
  it("reports every status of a deployment to one GitHub deployment, whichever process reports it", async () => {
    const { store, github, reporter, logged } = await setUp();
    const platform = reporter();
    const worker = reporter();
    const fresh = async () => (await store.deployments.get("d1")) as Deployment;

    await platform.report(project, await fresh(), "http://site.localhost");
    await store.deployments.transition("d1", ["queued"], "ready");
    await worker.report(project, await fresh(), "http://site.localhost");

    expect(logged).toEqual([]);
    const created = github.requests.filter((r) => r.path === "/repos/acme/site/deployments");
    expect(created).toHaveLength(1);
    const statuses = github.requests.filter((r) => /\/deployments\/\d+\/statuses$/.test(r.path));
    expect(statuses.map((r) => [r.path, r.body.state])).toEqual([
      ["/repos/acme/site/deployments/1000/statuses", "queued"],
      ["/repos/acme/site/deployments/1000/statuses", "success"],
    ]);
    expect((await fresh()).statusReportId).toBe("1000");
  });
});

// GitHub's REST API played by the local stand-in: real HTTP, the requests it records are the truth.
let contractGithub: FakeGithub;
beforeAll(async () => {
  contractGithub = await startFakeGithub();
});
afterAll(() => contractGithub.close());

runCommitStatusContract({
  name: "github",
  create: async () => {
    contractGithub.failing = false;
    return createGithubStatusReporter({
      token: "test-token",
      apiUrl: contractGithub.url,
      deployments: createMemoryStore(createMemoryQueue()).deployments,
      log: () => {},
    });
  },
  project: () => contractProject({ repoUrl: "https://github.com/acme/site.git" }),
  recorded: async (_reporter, sha) =>
    contractGithub.requests
      .filter((r) => r.method === "POST" && r.path === `/repos/acme/site/statuses/${sha}`)
      .map((r) => ({ sha, state: r.body.state as "pending", url: String(r.body.target_url) })),
  breakHost: async () => {
    contractGithub.failing = true;
  },
});
