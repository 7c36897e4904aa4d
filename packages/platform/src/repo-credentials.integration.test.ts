import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createAdaptorServer } from "@hono/node-server";
import { createApi, hashToken } from "@slipway/api";
import { createBuildCacheDir, createInProcessBuilder, createLocalBuilder } from "@slipway/builder";
import { main as cli } from "@slipway/cli";
import { ADMIN_TOKEN_SCOPE, type CoreDeps, handleDeployJob } from "@slipway/core";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createLsRemoteGit,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
} from "@slipway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHttpsServer, startGitHttpsServer } from "./testing/git-https-server.ts";

// A private repository behind HTTPS basic auth, reached through the API with a token in its URL:
// the token must reach git (ls-remote and the builder's clone authenticate) and nothing else:
// no API answer, no build log, no status reason, no process command line.

const TOKEN = "tok-Sekr1t-7q6p";
const WRONG = "tok-Wr0ng-3x2y";
const dir = mkdtempSync(join(tmpdir(), "slipway-repo-cred-"));
let server: GitHttpsServer;
let app: ReturnType<typeof createApi>;
let deps: CoreDeps;
let sha: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t.invalid", ...args], {
    cwd,
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir, GIT_CONFIG_NOSYSTEM: "1" },
    encoding: "utf8",
  }).trim();
}

async function api(method: string, path: string, body?: unknown) {
  const response = await app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: "Bearer good-token", "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  // Not a Next.js app: the build stops right after the clone, which is all this test needs.
  const work = join(dir, "work");
  mkdirSync(work);
  writeFileSync(join(work, "README.md"), "private\n");
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "private");
  sha = git(work, "rev-parse", "HEAD");
  const root = join(dir, "repos");
  mkdirSync(root);
  git(root, "clone", "-q", "--bare", work, join(root, "site.git"));
  server = await startGitHttpsServer({ root, dir, username: "ci", password: TOKEN });

  const db = openSqlite(join(dir, "slipway.db"));
  const store = createSqliteStore(db);
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("good-token"),
    createdAt: "2026",
    ...ADMIN_TOKEN_SCOPE,
  });
  const blobs = createFsBlobStore(join(dir, "data"));
  const gitEnv = { GIT_SSL_CAINFO: server.caFile };
  deps = {
    store,
    queue: createSqliteQueue(db),
    blobs,
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    buildCache: createBuildCacheDir(join(dir, "cache")),
    builder: createInProcessBuilder(
      createLocalBuilder({
        blobStore: blobs,
        cacheDir: join(dir, "cache"),
        workDir: join(dir, "builds"),
        openNextConfigPath: join(dir, "unused-open-next.config.ts"),
        gitEnv,
      }),
      (id, line) => void deps.logs.append(id, [line]),
    ),
    deployer: { name: "unused", activate: async () => ({ ok: false, reason: "unused" }), deactivate: async () => {} },
    git: createLsRemoteGit({ env: gitEnv }),
    statusReporter: null,
    urls: { hostname: (l) => `${l}.localhost`, url: (h) => `http://${h}`, apiUrl: "http://127.0.0.1:7300" },
    settings: { retainDeployments: 10 },
  };
  app = createApi(deps);
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Delivers the pipeline's messages, as the platform's step runner would, until the deployment ends. */
async function runPipeline(id: string) {
  for (;;) {
    const deployment = await deps.store.deployments.get(id);
    if (!deployment || ["ready", "error", "canceled"].includes(deployment.status)) return;
    const job = await deps.queue.claim(30_000);
    if (!job) {
      // A watch-build message comes back after its delay: wait for it to be due.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    await handleDeployJob(deps, job);
    await deps.queue.complete(job.receipt);
  }
}

/** Runs the deploy job the API queued, as the platform's job runner would. */
async function deployAndRun(project: string, body: Record<string, unknown>) {
  const queued = await api("POST", `/projects/${project}/deployments`, body);
  if (queued.status !== 202) return { queued, deployment: null, logs: "" };
  const id = String(queued.json.id);
  await runPipeline(id);
  const deployment = await api("GET", `/deployments/${id}`);
  const logs = await api("GET", `/deployments/${id}/logs`);
  return { queued, deployment, logs: logs.text };
}

describe("repository credentials", () => {
  it("keeps the token out of every API answer, and shows where it goes as ***@", async () => {
    const created = await api("POST", "/projects", {
      name: "private",
      repo: server.url("site.git").replace("https://", `https://ci:${TOKEN}@`),
    });
    expect(created.status).toBe(201);
    expect(created.json.repo).toBe(server.url("site.git").replace("https://", "https://***@"));
    const listed = await api("GET", "/projects");
    const one = await api("GET", "/projects/private");
    for (const answer of [created, listed, one]) expect(answer.text).not.toContain(TOKEN);

    // At rest too: neither the token nor the webhook secret the API just showed is in the files.
    const webhookSecret = (created.json.webhook as { secret: string }).secret;
    expect(webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const files = readdirSync(dir).filter((f) => f.startsWith("slipway.db"));
    expect(files).toContain("slipway.db-wal");
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      for (const plain of [TOKEN, webhookSecret]) expect(bytes.includes(plain), `${plain} in ${file}`).toBe(false);
    }
  });

  it("authenticates ls-remote and the clone with the token, which no command line ever shows", async () => {
    const { queued, deployment, logs } = await deployAndRun("private", { ref: "main" });
    expect(queued.status).toBe(202);
    expect((queued.json.commit as { sha: string }).sha).toBe(sha); // ls-remote got through
    expect(logs).toContain("Cloning https://127.0.0.1:");
    // The build went past the clone (this repository has no app to build).
    expect(String(deployment?.json.statusReason)).not.toContain("clone failed");
    expect(server.authorized).toBeGreaterThanOrEqual(2);
    expect(server.gitCommandLines.length).toBeGreaterThan(0); // git was running when argv was read
    expect(server.argvWithToken).toEqual([]);
    for (const text of [queued.text, deployment?.text, logs]) expect(text).not.toContain(TOKEN);
  });

  it("a wrong token fails ls-remote and the clone without echoing it in the error, reason or log", async () => {
    const repo = server.url("site.git").replace("https://", `https://ci:${WRONG}@`);
    expect((await api("POST", "/projects", { name: "wrong", repo })).status).toBe(201);
    const refused = await deployAndRun("wrong", { ref: "main" });
    expect(refused.queued.status).toBe(422);
    expect(refused.queued.json.code).toBe("REPOSITORY_UNREACHABLE");
    expect(refused.queued.text).not.toContain(WRONG);

    const { deployment, logs } = await deployAndRun("wrong", { ref: sha });
    expect(deployment?.json.status).toBe("error");
    expect(String(deployment?.json.statusReason)).toContain("clone failed");
    expect(deployment?.text).not.toContain(WRONG);
    expect(logs).not.toContain(WRONG);
    expect(server.argvWithToken).toEqual([]);
  });

  it("the CLI never prints the token: projects ls, --json, and the error for a refused URL", async () => {
    const http = createAdaptorServer({ fetch: app.fetch });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const env = {
      SLIPWAY_URL: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
      SLIPWAY_TOKEN: "good-token",
    };
    const run = async (argv: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on("data", (c: Buffer) => chunks.push(c));
      stderr.on("data", (c: Buffer) => chunks.push(c));
      const code = await cli(argv, { stdout, stderr, stdin: Readable.from([]), env });
      return { code, output: Buffer.concat(chunks).toString("utf8") };
    };
    try {
      const ls = await run(["projects", "ls"]);
      expect(ls.code).toBe(0);
      expect(ls.output).toContain("https://***@127.0.0.1:");
      const json = await run(["projects", "ls", "--json"]);
      expect(json.output).toContain("private");
      const refused = await run(["projects", "create", "other", "--repo", `ftp://ci:${TOKEN}@example.com/r.git`]);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain("ftp://***@example.com/r.git");
      for (const { output } of [ls, json, refused]) expect(output).not.toContain(TOKEN);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
