import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createGithubStatusReporter, type Deployment, type Project } from "@slipway/core";
import { type FakeGithub, startFakeGithub } from "@slipway/platform/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { killBuilds } from "./support/orphans.ts";
import { expectReady, startPlatform, type TestPlatform, waitForDeployment } from "./support/platform.ts";
import { processesMentioning, waitUntil } from "./support/processes.ts";
import { pullRequestPayload, pushPayload, sendWebhook } from "./support/webhook.ts";

// Issue 4, the deployment lifecycle end to end through the CLI, the API, webhooks and the edge:
// previews and branch URLs, rollback and promote, canceling, failed builds, retention, skew
// protection and GitHub feedback. One platform serves the whole file and deployments are reused
// across assertions: four full builds, two canceled ones and one failing build.
describe("deployment lifecycle", () => {
  let platform: TestPlatform;
  let github: FakeGithub;
  let repo: FixtureRepo;
  let original: string;
  let project: { id: string; webhook: { url: string; secret: string } };
  /** Deployment ids by the role they play below. */
  const ids: Record<string, string> = {};

  const PROD = "fixture.localhost";
  const BRANCH = "feature/Blue_Sky";
  const BRANCH_HOST = "fixture-git-feature-blue-sky.localhost";
  const get = (host: string, path = "/") => edgeRequest(platform.edgePort, host, path);
  const ownHost = (id: string) => `fixture-${id}.localhost`;
  const homePage = (title: string) => ({ "app/page.js": original.replace("Static home", title) });

  const webhook = (event: string, payload: unknown) =>
    sendWebhook(project.webhook.url, { event, body: JSON.stringify(payload), secret: project.webhook.secret });
  const push = async (branch: string, sha: string): Promise<string> => {
    const sent = await webhook("push", pushPayload(branch, sha));
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return sent.body.deploymentId;
  };
  const ready = async (id: string) => {
    const deployment = await waitForDeployment(platform, id);
    await expectReady(platform, deployment);
    return deployment;
  };
  const count = async () => (await platform.api("GET", "/api/v1/projects/fixture/deployments")).body.length;
  const production = async () => (await get(PROD)).text;

  beforeAll(async () => {
    github = await startFakeGithub();
    platform = await startPlatform({
      env: {
        SLIPWAY_RETAIN_DEPLOYMENTS: "2",
        SLIPWAY_GITHUB_TOKEN: "test",
        SLIPWAY_GITHUB_API_URL: github.url,
      },
    });
    repo = await createFixtureRepo("next-app");
    original = await readFile(join(repo.work, "app/page.js"), "utf8");
    const created = await platform.cli(["projects", "create", "fixture", "--repo", repo.bare, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    project = created.json();
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) await killBuilds(platform.dataDir);
    await github?.close();
  });

  describe("GitHub feedback", () => {
    // A github.com repository cannot be cloned here (no internet), so the platform's own reports
    // are checked on the failure path, and the success path on the reporter itself, against the
    // same stand-in server.
    it("posts pending then failure, with the token, for a github.com repository that fails", async () => {
      const created = await platform.cli([
        "projects",
        "create",
        "gh",
        "--repo",
        "https://github.com/acme/site.git",
        "--json",
      ]);
      expect(created.code, created.stderr).toBe(0);
      const gh = created.json();
      const sha = "0123456789abcdef".repeat(3).slice(0, 40);
      const sent = await sendWebhook(gh.webhook.url, {
        event: "push",
        body: JSON.stringify(pushPayload("main", sha)),
        secret: gh.webhook.secret,
      });
      expect(sent.status).toBe(202);
      expect((await waitForDeployment(platform, sent.body.deploymentId)).status).toBe("error");

      const commitStatuses = () => github.requests.filter((r) => r.path === `/repos/acme/site/statuses/${sha}`);
      const deploymentStatuses = () =>
        github.requests.filter((r) => /^\/repos\/acme\/site\/deployments\/\d+\/statuses$/.test(r.path));
      // The commit status and the GitHub deployment's status are two posts, in that order: wait for both.
      await waitUntil(
        "the failure statuses",
        () =>
          commitStatuses().some((r) => r.body.state === "failure") &&
          deploymentStatuses().some((r) => r.body.state === "failure"),
        10_000,
      );
      expect(commitStatuses().map((r) => r.body.state)).toEqual(["pending", "failure"]);
      expect(commitStatuses()[0]?.body).toMatchObject({
        context: "slipway/gh",
        target_url: expect.stringContaining("gh-"),
      });
      expect(deploymentStatuses().map((r) => r.body.state)).toEqual(["queued", "failure"]);
      for (const request of github.requests) {
        expect(request.authorization).toBe("Bearer test");
        expect(request.method).toBe("POST");
      }
    });

    it("reports a ready deployment as success with its URL as the environment URL", async () => {
      const logged: string[] = [];
      const reporter = createGithubStatusReporter({
        token: "test",
        apiUrl: github.url,
        deployments: { update: async () => {} },
        log: (l) => logged.push(l),
      });
      const sha = "fedcba9876543210".repeat(3).slice(0, 40);
      const site: Project = {
        id: "p1",
        name: "site",
        repoUrl: "git@github.com:acme/site.git",
        repoCredentialEncrypted: null,
        productionBranch: "main",
        rootDir: "",
        installCommand: null,
        buildCommand: null,
        nodeVersion: "22",
        webhookSecretEncrypted: "v1:unused",
        teamId: null,
        createdAt: new Date().toISOString(),
      };
      const deployment: Deployment = {
        id: "d1",
        projectId: "p1",
        environment: "preview",
        status: "ready",
        statusReason: null,
        commit: { sha, branch: "feature/x", message: null, author: null },
        trigger: "webhook:push",
        artifactKey: "artifacts/d1.tar",
        envSnapshot: null,
        createdAt: new Date().toISOString(),
        buildStartedAt: null,
        readyAt: null,
        finishedAt: null,
      };
      const url = "http://site-d1.localhost:7380";
      const before = github.requests.length;
      await reporter.report(site, deployment, url);
      await reporter.report({ ...site, repoUrl: "https://gitlab.com/acme/site.git" }, deployment, url);
      const sent = github.requests.slice(before);
      expect(logged).toEqual([]);
      expect(sent.map((r) => r.path)).toEqual([
        `/repos/acme/site/statuses/${sha}`,
        "/repos/acme/site/deployments",
        expect.stringMatching(/^\/repos\/acme\/site\/deployments\/\d+\/statuses$/),
      ]);
      expect(sent[0]?.body).toMatchObject({ state: "success", target_url: url, context: "slipway/site" });
      expect(sent[1]?.body).toMatchObject({ ref: sha, transient_environment: true, production_environment: false });
      expect(sent[2]?.body).toMatchObject({ state: "success", environment_url: url });
      expect(sent.every((r) => r.authorization === "Bearer test")).toBe(true);
    });
  });

  it("deploys pushes to main to production, each newer one taking over", async () => {
    ids.first = await push("main", repo.head());
    await ready(ids.first);
    expect(await production()).toContain("Static home");
    // The client component changes too, so the two builds have different client chunks.
    const greeting = await readFile(join(repo.work, "app/greeting.js"), "utf8");
    const second = await repo.commit("main", {
      ...homePage("Second home"),
      "app/greeting.js": greeting.replace('id="public-greeting"', 'id="public-greeting" data-build="second"'),
    });
    ids.second = await push("main", second);
    expect(await ready(ids.second)).toMatchObject({ environment: "production" });
    expect(await production()).toContain("Second home");
  });

  it("rolls production back to the previous deployment at once and without a build, then forward by id", async () => {
    const before = await count();
    const back = await platform.cli(["rollback", "--project", "fixture", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json()).toMatchObject({ id: ids.first, status: "ready" });
    expect(await production()).toContain("Static home");
    const forward = await platform.cli(["rollback", "--project", "fixture", ids.second as string, "--json"]);
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.json()).toMatchObject({ id: ids.second });
    expect(await production()).toContain("Second home");
    expect(await count()).toBe(before);
  });

  it("rolls back and promotes through the API", async () => {
    const back = await platform.api("POST", "/api/v1/projects/fixture/rollback", {});
    expect(back).toMatchObject({ status: 200, body: { id: ids.first } });
    expect(await production()).toContain("Static home");
    const promoted = await platform.api("POST", `/api/v1/deployments/${ids.second}/promote`);
    expect(promoted).toMatchObject({ status: 200, body: { id: ids.second } });
    expect(await production()).toContain("Second home");
  });

  it("splits production with promote --canary 50 (the slipway-canary cookie picks the side), completes it, and rolls a failing canary back", async () => {
    const bySide = async () => {
      const side = async (bucket: number) =>
        (await edgeRequest(platform.edgePort, PROD, "/", { headers: { cookie: `slipway-canary=${bucket}` } })).text;
      return [await side(49), await side(50)].map((page) => (page.includes("Static home") ? "first" : "second"));
    };
    const started = await platform.cli(["promote", ids.first as string, "--canary", "50", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json()).toMatchObject({ id: ids.first, canary: 50 });
    expect(await bySide()).toEqual(["first", "second"]);
    const completed = await platform.cli(["promote", ids.first as string, "--json"]);
    expect(completed.code, completed.stderr).toBe(0);
    expect(await bySide()).toEqual(["first", "first"]);

    // Automatic rollback: five 500s from the canary's worker (/api/boom throws) cancel it.
    expect((await platform.cli(["promote", ids.second as string, "--canary", "50"])).code).toBe(0);
    expect(await bySide()).toEqual(["second", "first"]);
    for (let i = 0; i < 5; i++) {
      const boom = await edgeRequest(platform.edgePort, PROD, "/api/boom", { headers: { cookie: "slipway-canary=0" } });
      expect(boom.status).toBe(500);
    }
    await waitUntil("the canary's rollback", async () => (await bySide())[0] === "first", 30_000);
    expect((await platform.cli(["logs", ids.second as string])).stdout).toContain(
      "Canary cancelled (error alarm: 5 server errors (5xx) from its worker within 60 s, the last 500)",
    );
    // Back to where the next cases expect production.
    expect((await platform.cli(["promote", ids.second as string])).code).toBe(0);
    expect(await production()).toContain("Second home");
  });

  it("serves an old page's ?dpl= assets from its own deployment on the production host (skew protection)", async () => {
    const assets = (id: string) =>
      new Set(
        readdirSync(join(platform.dataDir, "deployments", id), { recursive: true, encoding: "utf8" })
          .map((file) => /(?:^|\/)(_next\/static\/.+)$/.exec(file)?.[1])
          .filter((path): path is string => path !== undefined && !/\.(br|gz)$/.test(path)),
      );
    const current = assets(ids.second as string);
    // Content-hashed chunk names: the first build's Greeting chunk is not in the second.
    const onlyOld = [...assets(ids.first as string)].filter((path) => !current.has(path) && path.endsWith(".js"));
    expect(onlyOld.length).toBeGreaterThan(0);
    const path = `/${onlyOld[0]}`;
    expect((await get(PROD, path)).status).toBe(404);
    const skewed = await get(PROD, `${path}?dpl=${ids.first}`);
    expect(skewed.status).toBe(200);
    expect(skewed.headers["cache-control"]).toContain("immutable");
  });

  it("deploys a branch push as a preview on its branch URL, leaving production alone", async () => {
    const sha = await repo.commit(BRANCH, homePage("Blue sky home"));
    ids.preview = await push(BRANCH, sha);
    expect(await ready(ids.preview)).toMatchObject({ environment: "preview", commit: { sha, branch: BRANCH } });
    expect((await get(BRANCH_HOST)).text).toContain("Blue sky home");
    expect(await production()).toContain("Second home");

    // GitHub also sends `pull_request: opened` for the same head: that deployment is reused.
    const before = await count();
    const opened = await webhook("pull_request", pullRequestPayload("opened", BRANCH, sha));
    expect(opened).toMatchObject({ status: 202, body: { kind: "queued", deploymentId: ids.preview } });
    expect(await count()).toBe(before);
  });

  it("promotes a preview to production; unknown ids fail naming the id", async () => {
    const promoted = await platform.cli(["promote", ids.preview as string, "--json"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.json()).toMatchObject({ id: ids.preview, environment: "preview" });
    expect(await production()).toContain("Blue sky home");
    const unknown = await platform.cli(["promote", "no-such-deployment", "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no-such-deployment");
  });

  it("cancels the older of two quick pushes to a branch, naming the newer; a pull request synchronize deploys", async () => {
    const older = await repo.commit(BRANCH, homePage("Blue sky four"));
    const newer = await repo.commit(BRANCH, homePage("Blue sky five"));
    ids.superseded = await push(BRANCH, older);
    const synchronize = await webhook("pull_request", pullRequestPayload("synchronize", BRANCH, newer));
    expect(synchronize.status).toBe(202);
    ids.branchHead = synchronize.body.deploymentId as string;

    const canceled = await waitForDeployment(platform, ids.superseded as string);
    expect(canceled.status).toBe("canceled");
    expect(canceled.statusReason).toContain(ids.branchHead);
    expect(await ready(ids.branchHead)).toMatchObject({
      environment: "preview",
      commit: { sha: newer, branch: BRANCH },
    });
    expect((await get(BRANCH_HOST)).text).toContain("Blue sky five");

    for (const [id, status] of [
      [ids.superseded, "canceled"],
      [ids.branchHead, "ready"],
    ] as const) {
      const again = await platform.cli(["cancel", id as string, "--json"]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(id);
      expect(again.stderr).toContain(`already ${status}`);
    }
  });

  it("slipway cancel stops a running build, and a queued one never starts", async () => {
    const deploy = async (ref: string) => {
      const result = await platform.cli(["deploy", "--project", "fixture", "--ref", ref, "--no-wait", "--json"]);
      expect(result.code, result.stderr).toBe(0);
      return result.json().id as string;
    };
    const running = await deploy(BRANCH);
    // By sha: no branch, so nothing supersedes anything; it waits behind the running build.
    const waiting = await deploy(repo.head());
    const buildProcesses = (id: string) => processesMentioning(join(platform.dataDir, "builds", `${id}-`));
    await waitUntil("the build to start", () => buildProcesses(running).length > 0);

    const dequeued = await platform.cli(["cancel", waiting, "--json"]);
    expect(dequeued.code, dequeued.stderr).toBe(0);
    expect(dequeued.json()).toMatchObject({ id: waiting, status: "canceled" });
    const canceled = await platform.cli(["cancel", running, "--json"]);
    expect(canceled.code, canceled.stderr).toBe(0);
    expect(canceled.json()).toMatchObject({ id: running, status: "canceled" });
    await waitUntil("the build processes to exit", () => buildProcesses(running).length === 0, 30_000);
    expect((await platform.api("GET", `/api/v1/deployments/${running}`)).body.status).toBe("canceled");
    expect((await get(BRANCH_HOST)).text).toContain("Blue sky five");

    // The runner is free again: the next deployment starts at once, and the canceled one never did.
    const next = await deploy(BRANCH);
    await waitUntil("the next build to start", () => buildProcesses(next).length > 0, 30_000);
    expect((await platform.api("GET", `/api/v1/deployments/${waiting}`)).body).toMatchObject({
      status: "canceled",
      buildStartedAt: null,
    });
    expect((await platform.cli(["cancel", next])).code).toBe(0);
  });

  it("never lets a failed build touch production", async () => {
    const sha = await repo.commit("main", {
      "app/broken/page.js":
        'import Missing from "./this-module-does-not-exist";\nexport default function Broken() {\n  return <Missing />;\n}\n',
    });
    ids.broken = await push("main", sha);
    const failed = await waitForDeployment(platform, ids.broken);
    expect(failed.status).toBe("error");
    expect((await platform.cli(["logs", ids.broken])).stdout).toContain("this-module-does-not-exist");
    expect(await production()).toContain("Blue sky home");

    const promote = await platform.cli(["promote", ids.broken, "--json"]);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toContain(ids.broken);
    expect(promote.stderr).toContain("error");
    expect(await production()).toContain("Blue sky home");
  });

  it("removes the branch URL when its pull request closes, and restores it on reopen without a build", async () => {
    const head = repo.head();
    const closed = await webhook("pull_request", pullRequestPayload("closed", BRANCH, head));
    expect(closed).toMatchObject({ status: 200, body: { kind: "alias-removed", hostname: BRANCH_HOST } });
    expect((await get(BRANCH_HOST)).status).toBe(404);

    const branchSha = (await platform.api("GET", `/api/v1/deployments/${ids.branchHead}`)).body.commit.sha;
    const before = await count();
    const reopened = await webhook("pull_request", pullRequestPayload("reopened", BRANCH, branchSha));
    expect(reopened).toMatchObject({ status: 202, body: { deploymentId: ids.branchHead } });
    expect(await count()).toBe(before);
    expect((await get(BRANCH_HOST)).text).toContain("Blue sky five");
  });

  it("cancels a branch's running build when its pull request closes, so the URL stays gone", async () => {
    const branch = "feature/closing";
    const id = await push(branch, await repo.commit(branch, homePage("Closing")));
    await waitUntil(
      "the build to start",
      () => processesMentioning(join(platform.dataDir, "builds", `${id}-`)).length > 0,
    );
    const closed = await webhook("pull_request", pullRequestPayload("closed", branch, repo.head()));
    expect(closed).toMatchObject({ status: 200, body: { kind: "alias-removed" } });
    const final = await waitForDeployment(platform, id);
    expect(final.status).toBe("canceled");
    expect(final.statusReason).toContain("closed");
    expect((await get("fixture-git-feature-closing.localhost")).status).toBe(404);
  });

  it("deploys nothing from a fork's pull request, and its close leaves this repository's branch URL alone", async () => {
    const before = await count();
    for (const action of ["opened", "closed"]) {
      const payload = pullRequestPayload(action, "main", repo.head());
      payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: "mallory/fork" };
      const sent = await webhook("pull_request", payload);
      expect(sent).toMatchObject({
        status: 200,
        body: { kind: "ignored", reason: expect.stringContaining("mallory/fork") },
      });
    }
    expect(await count()).toBe(before);
    expect((await get("fixture-git-main.localhost")).text).toContain("Second home");
  });

  it("drops the artifacts of old unaliased deployments and keeps every aliased one serving", async () => {
    const blob = (id: string) => join(platform.dataDir, "blobs", "artifacts", `${id}.tar`);
    const unpacked = (id: string) => join(platform.dataDir, "deployments", id);
    // Retention keeps 2: the first build is older, and no alias points to it any more.
    await waitUntil(
      "retention",
      () => !existsSync(blob(ids.first as string)) && !existsSync(unpacked(ids.first as string)),
      10_000,
    );
    expect((await get(ownHost(ids.first as string))).status).toBe(404);
    // Older than the window too, but production, the main branch URL and the feature branch URL
    // point to them.
    for (const [id, host, text] of [
      [ids.preview, PROD, "Blue sky home"],
      [ids.second, "fixture-git-main.localhost", "Second home"],
      [ids.branchHead, BRANCH_HOST, "Blue sky five"],
    ] as string[][]) {
      expect(existsSync(blob(id as string))).toBe(true);
      expect((await get(ownHost(id as string))).status).toBe(200);
      expect((await get(host as string)).text).toContain(text);
    }
    const gone = await platform.cli(["promote", ids.first as string, "--json"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(ids.first);
    expect(gone.stderr).toContain("no longer retained");
  });
});
