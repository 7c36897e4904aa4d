import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApi } from "@slipway/api";
import { bwrapWorks, createLocalBuilder } from "@slipway/builder";
import {
  type CoreDeps,
  createMasker,
  DEPLOY_JOB,
  type DeployJobPayload,
  deploymentEnv,
  giveUpDeployment,
  interruptRunningDeployments,
  type Masker,
  requeueUnfinished,
  runDeployment,
  SlipwayError,
} from "@slipway/core";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createLsRemoteGit,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
  sealProjectSecrets,
} from "@slipway/local";
import { createEdge, createFunctionHost, createLocalDeployer } from "@slipway/runtime";
import { ensureAdminToken } from "./admin-token.ts";
import type { PlatformConfig } from "./config.ts";
import { lockDownDataDir } from "./data-dir.ts";
import { createGithubStatusReporter } from "./github-status.ts";
import { startJobRunner } from "./job-runner.ts";
import { runningPid, writePidFile } from "./pid-file.ts";
import { decideSandbox } from "./sandbox-policy.ts";
import { localUrlScheme, selfAddress } from "./urls.ts";

const OPEN_NEXT_CONFIG = fileURLToPath(new URL("../../runtime/opennext/open-next.config.ts", import.meta.url));
/** What the OpenNext config imports besides itself; the build sandbox must be able to read it. */
const OPEN_NEXT_CONFIG_IMPORTS = [fileURLToPath(new URL("../../core/src", import.meta.url))];

/** Tries of a job that throws (a fault, not a failed build) before its deployment is given up. */
const JOB_ATTEMPTS = 5;

export interface RunningPlatform {
  apiUrl: string;
  edgeUrl: string;
  adminTokenPath: string;
  tokenCreated: boolean;
  deps: CoreDeps;
  stop(): Promise<void>;
}

/** `slipway up`: opens the data dir, wires every port to its local adapter and starts serving. */
export async function startPlatform(config: PlatformConfig, log: (line: string) => void): Promise<RunningPlatform> {
  const dir = (name: string) => join(config.dataDir, name);
  // Before anything is opened: an unsafe configuration stops here, having touched nothing.
  const sandbox = decideSandbox(config, () => bwrapWorks());
  if (sandbox.kind === "none") log(sandbox.banner);
  // Everything this process creates from now on (database, blobs, keys, scratch) is its user's only.
  const previousUmask = process.umask(0o077);
  await lockDownDataDir(config.dataDir);
  const other = runningPid(config.dataDir);
  if (other !== null && other !== process.pid) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Another Slipway (pid ${other}) is running on ${config.dataDir}.`,
      "Stop it first, or pass another --data-dir.",
    );
  }
  const removePidFile = writePidFile(config.dataDir);

  const secrets = createAesGcmSecrets(config.masterKey ? { key: config.masterKey } : { keyFile: dir("master.key") });
  const db = openSqlite(dir("slipway.db"));
  const store = createSqliteStore(db);
  const sealed = await sealProjectSecrets(db, secrets);
  if (sealed > 0)
    log(`encrypted the webhook secrets and repository tokens of ${sealed} project(s) stored in plaintext`);
  const queue = createSqliteQueue(db, { maxAttempts: JOB_ATTEMPTS });
  const logs = createSqliteLogStore(db);
  const blobs = createFsBlobStore(config.dataDir); // keeps blobs in <dataDir>/blobs
  const urls = localUrlScheme(config);
  const token = await ensureAdminToken(store, config.dataDir);

  // Secret values per deployment, so runtime log lines can be masked before anyone sees them.
  const maskers = new Map<string, Masker>();
  const functionHost = createFunctionHost({
    deploymentsDir: dir("deployments"),
    cachesDir: dir("caches"),
    socketDir: dir("run"),
    idleTimeoutMs: config.idleTimeoutMs,
    maxWorkersPerDeployment: config.maxWorkersPerDeployment,
    // Decided once above, so workers and builds agree (the host alone only checks bwrap is on PATH).
    sandbox: sandbox.kind,
    network: config.sandboxNetwork,
    allowLoopback: config.allowLoopback,
    workerLimits: { memoryMb: config.workerMemoryMb, tmpMb: config.workerTmpMb },
    revalidateOrigin: `http://${selfAddress(config.host)}:${config.edgePort}`,
    getRuntimeEnv: async (deploymentId) => {
      const deployment = await store.deployments.get(deploymentId);
      const project = deployment && (await store.projects.get(deployment.projectId));
      if (!deployment || !project) throw new Error(`unknown deployment ${deploymentId}`);
      const { env, mask } = await deploymentEnv({ secrets, urls }, project, deployment);
      maskers.set(deploymentId, createMasker(mask));
      return env;
    },
    onLog: ({ deploymentId, stream, line }) => {
      const mask = maskers.get(deploymentId) ?? ((text: string) => text);
      log(`[${deploymentId} ${stream}] ${mask(line)}`);
    },
    onEvent: (event) => {
      if (event.type === "cold-start") log(`cold start ${event.deploymentId} (${event.kind}) in ${event.ms} ms`);
      else if (event.type === "crash")
        log(
          event.cause === "out-of-memory"
            ? `worker of ${event.deploymentId} exceeded its memory limit and was killed`
            : `worker of ${event.deploymentId} crashed (code ${event.code}, signal ${event.signal})`,
        );
      else if (event.type === "recycle")
        log(`worker of ${event.deploymentId} recycled: a request ran past the timeout (${event.inflight} in flight)`);
    },
  });
  // What the sandbox enforces on this host, said once and loudly where it falls short.
  for (const note of functionHost.isolation) log(`sandbox: ${note}`);
  const deployer = createLocalDeployer({
    blobs,
    deploymentsDir: dir("deployments"),
    functionHost,
    onDeactivated: (deploymentId) => edge.forget(deploymentId),
  });

  const builder = createLocalBuilder({
    blobStore: blobs,
    cacheDir: dir("build-cache"),
    workDir: dir("builds"),
    openNextConfigPath: OPEN_NEXT_CONFIG,
    readOnlyPaths: OPEN_NEXT_CONFIG_IMPORTS,
    sandbox: config.sandbox,
    network: config.sandboxNetwork,
    timeoutMs: config.buildTimeoutMs,
    limits: { memoryMb: config.buildMemoryMb, processes: config.buildProcesses, diskMb: config.buildDiskMb },
  });
  const deps: CoreDeps = {
    store,
    queue,
    blobs,
    logs,
    secrets,
    builder,
    deployer,
    git: createLsRemoteGit(),
    statusReporter: config.githubToken
      ? createGithubStatusReporter({ token: config.githubToken, apiUrl: config.githubApiUrl, log })
      : null,
    urls,
    settings: { retainDeployments: config.retainDeployments },
  };

  const edge = createEdge({
    functionHost,
    deploymentsDir: dir("deployments"),
    resolveHost: async (hostname) => {
      const alias = await store.aliases.get(hostname);
      return alias ? { deploymentId: alias.deploymentId, projectId: alias.projectId } : null;
    },
    getDeployment: async (id) => {
      const deployment = await store.deployments.get(id);
      return deployment ? { projectId: deployment.projectId } : null;
    },
  });
  await edge.listen(config.edgePort, config.host);

  const api = createApi(deps);
  const apiServer = serve({ fetch: api.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    apiServer.once("listening", () => resolve());
    apiServer.once("error", reject);
  });

  // A killed process leaves scratch folders behind; nothing is using them now.
  await Promise.all([builder.sweepWorkDir(), deployer.sweepLeftovers()]);
  // The previous process may have died mid-build: its leases go back and unfinished work is queued again.
  await queue.releaseAll();
  const resumed = await requeueUnfinished(deps);
  if (resumed > 0) log(`resuming ${resumed} unfinished deployment(s)`);
  const runner = startJobRunner({
    queue,
    log,
    handle: async (job) => {
      if (job.type !== DEPLOY_JOB) return;
      const { deploymentId } = job.payload as DeployJobPayload;
      try {
        await runDeployment(deps, deploymentId);
      } catch (error) {
        if (job.attempts >= JOB_ATTEMPTS) await giveUpDeployment(deps, deploymentId, error);
        throw error;
      }
    },
  });

  return {
    apiUrl: urls.apiUrl,
    edgeUrl: urls.url(urls.hostname("<project>")),
    adminTokenPath: token.path,
    tokenCreated: token.created,
    deps,
    async stop() {
      await new Promise((resolve) => apiServer.close(resolve));
      await edge.close();
      // Without this, a stop waits for the running build to finish (minutes).
      interruptRunningDeployments("the platform is stopping");
      await runner.stop();
      await functionHost.close();
      await store.close();
      removePidFile();
      process.umask(previousUmask);
    },
  };
}
