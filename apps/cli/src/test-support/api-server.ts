import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createApi, hashToken } from "@slipway/api";
import {
  ADMIN_TOKEN_SCOPE,
  type BlobStore,
  type CoreDeps,
  type Deployment,
  type DeploymentStatus,
  type Project,
} from "@slipway/core";
import { project as projectFixture } from "@slipway/core/contracts";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
} from "@slipway/local";

const CLI = new URL("../../bin/slipway.js", import.meta.url).pathname;
const TOKEN = "cli-test-token";
export const ACCOUNTS_ORIGIN = "http://127.0.0.1:7300";

/**
 * The real API (Hono, SQLite) on a loopback port, without builder or deployer: what the CLI
 * talks to. Counts the log-stream requests it answers, so a test can wait for reconnects.
 */
export interface TestApi {
  url: string;
  deps: CoreDeps;
  project: Project;
  logStreams(): number;
  /** "METHOD path" of every request answered (the bucket's PUTs included), in order. */
  requests(): string[];
  createDeployment(id: string, status?: DeploymentStatus): Promise<Deployment>;
  cli(args: string[], options?: { env?: Record<string, string> }): Promise<CliRun>;
  close(): Promise<void>;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `bucketUploads`: the BlobStore hands out upload URLs (as S3 does) that point at this same server
 * under /__bucket/<key>, where a PUT stores the body as the bucket would; the API then offers the
 * two-step artifact upload.
 */
export async function startTestApi(
  options: { logStreamMaxMs?: number; bucketUploads?: boolean } = {},
): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-cli-"));
  // Known once the server listens; the upload URLs of `bucketUploads` point at it.
  let url = "";
  const db = openSqlite(join(dir, "slipway.db"));
  const store = createSqliteStore(db);
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken(TOKEN),
    createdAt: new Date().toISOString(),
    ...ADMIN_TOKEN_SCOPE,
  });
  const blobs = createFsBlobStore(join(dir, "blobs"));
  // Only what the read routes touch is real; builder and deployer are never reached.
  const deps = {
    store,
    queue: createSqliteQueue(db),
    // The admin's artifact uploads (the dashboard on AWS) are stored; nothing else writes a blob.
    blobs: options.bucketUploads ? withUploadUrls(blobs, () => url) : blobs,
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    urls: {
      hostname: (label: string) => `${label}.localhost`,
      url: (host: string) => `http://${host}:7380`,
      apiUrl: "http://127.0.0.1:7300",
    },
    settings: { retainDeployments: 10 },
    statusReporter: null,
  } as unknown as CoreDeps;
  const project = projectFixture({
    id: "p1",
    name: "site",
    buildCommand: null,
    webhookSecretEncrypted: await deps.secrets.encrypt("webhook-secret"),
  });
  await store.projects.create(project);

  // Accounts as on the platform; sign-ups send ACCOUNTS_ORIGIN as their Origin.
  const api = createApi({
    ...deps,
    logStreamMaxMs: options.logStreamMaxMs,
    accounts: { secret: "cli-test-secret-cli-test-secret-0123", baseUrl: ACCOUNTS_ORIGIN, openSignUp: true },
  });
  let logStreams = 0;
  const requests: string[] = [];
  const server = serve({
    fetch: async (request) => {
      const url = new URL(request.url);
      requests.push(`${request.method} ${url.pathname}`);
      if (url.pathname.endsWith("/logs") && url.searchParams.get("follow") === "1") logStreams++;
      if (options.bucketUploads && url.pathname.startsWith(BUCKET_PATH) && request.method === "PUT") {
        await blobs.put(url.pathname.slice(BUCKET_PATH.length), Buffer.from(await request.arrayBuffer()));
        return new Response(null, { status: 200 });
      }
      return api.fetch(request);
    },
    port: 0,
    hostname: "127.0.0.1",
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    deps,
    project,
    logStreams: () => logStreams,
    requests: () => [...requests],
    async createDeployment(id, status = "building") {
      const deployment: Deployment = {
        id,
        projectId: project.id,
        environment: "preview",
        status,
        statusReason: null,
        commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch: "main", message: null, author: null },
        trigger: "api",
        artifactKey: null,
        envSnapshot: null,
        createdAt: new Date().toISOString(),
        buildStartedAt: null,
        readyAt: null,
        finishedAt: null,
      };
      await store.deployments.create(deployment);
      return deployment;
    },
    cli: (args, cliOptions = {}) => runCli(args, { SLIPWAY_URL: url, SLIPWAY_TOKEN: TOKEN, ...cliOptions.env }),
    async close() {
      killLeftoverClis();
      // A failed test may leave a CLI following a stream: end its connection, it then gives up.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await closed;
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const BUCKET_PATH = "/__bucket/";

/** The store with S3's upload URLs, served by the test server itself (`serverUrl` is known once it listens). */
function withUploadUrls(blobs: BlobStore, serverUrl: () => string): BlobStore {
  return {
    ...blobs,
    async uploadUrl(key) {
      return { url: `${serverUrl()}${BUCKET_PATH}${key}`, headers: { "content-type": "application/octet-stream" } };
    },
  };
}

const running = new Set<ChildProcess>();

/** Kills CLI processes a failed test left behind. */
export function killLeftoverClis(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** The real `slipway` binary in a child process; HOME points nowhere so no saved login leaks in. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: tmpdir(),
        XDG_CONFIG_HOME: join(tmpdir(), "slipway-cli-none"),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    running.add(child);
    child.once("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export { CLI };
