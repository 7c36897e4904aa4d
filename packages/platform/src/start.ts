import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { createApi } from "@slipway/api";
import { bwrapWorks, createBuildCacheDir, createSupervisedBuilder, createToolchain } from "@slipway/builder";
import {
  type CertificateDeps,
  type CoreDeps,
  certificateJobHostname,
  createMasker,
  deploymentEnv,
  deploymentIdOf,
  giveUpDeployment,
  handleDeployJob,
  issueCertificateStep,
  isWithin,
  type Masker,
  SlipwayError,
} from "@slipway/core";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createLsRemoteGit,
  createNodeDnsResolver,
  createSqliteDomainRoutes,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
  sealProjectSecrets,
} from "@slipway/local";
import {
  createCertificateContexts,
  createDomainFront,
  createEdge,
  createFunctionHost,
  createHttpsListener,
  createLocalDeployer,
  DEFAULT_WORKER_LIMITS,
  domainsThroughStore,
  graceful,
  type ListenTarget,
  parseWorkerLine,
  routeThroughStore,
} from "@slipway/runtime";
import { ensureAdminToken } from "./admin-token.ts";
import { ensureAuthSecret } from "./auth-secret.ts";
import type { BuildChildConfig } from "./build-child.ts";
import { certificateDeps, domainSettingsOf, httpsPortOf, startCertificateSweeper } from "./certificates.ts";
import type { PlatformConfig } from "./config.ts";
import { createDashboardListener, isApiPath } from "./dashboard.ts";
import { lockDownDataDir } from "./data-dir.ts";
import { startDiskSweeper } from "./disk/sweeper.ts";
import { createGithubStatusReporter } from "./github-status.ts";
import { startJobRunner } from "./job-runner.ts";
import { explainListenError } from "./listen-error.ts";
import { runningPid, writePidFile } from "./pid-file.ts";
import { startPipelineSweeper } from "./pipeline-sweeper.ts";
import type { InheritedListeners } from "./restart/inherited-listeners.ts";
import type { ListenerFds } from "./restart/successor.ts";
import { decideSandbox } from "./sandbox-policy.ts";
import { retentionOf, startTelemetry } from "./telemetry/start-telemetry.ts";
import { createThreadedTelemetryStore } from "./telemetry/threaded-store.ts";
import { unpackMissingDeployments } from "./unpack-missing.ts";
import { localUrlScheme, selfAddress } from "./urls.ts";

const OPEN_NEXT_CONFIG = fileURLToPath(new URL("../../runtime/opennext/open-next.config.ts", import.meta.url));
/** What the OpenNext config imports besides itself; the build sandbox must be able to read it. */
const OPEN_NEXT_CONFIG_IMPORTS = [fileURLToPath(new URL("../../core/src", import.meta.url))];

/** The child process of a supervised build, and the flag that lets Node run it as TypeScript. */
const BUILD_CHILD = fileURLToPath(new URL("./build-child.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Tries of a job that throws (a fault, not a failed build) before its deployment is given up. */
const JOB_ATTEMPTS = 5;
/** Pipeline steps are short (a build runs in its own process): a dead worker's step comes back soon. */
const STEP_LEASE_MS = 30_000;

/** A worker's output line, for the telemetry of `slipway up` (a `slipway worker` has none). */
type FunctionLineSink = (deploymentId: string, stream: "stdout" | "stderr", line: string) => void;

export interface RunningPlatform {
  apiUrl: string;
  edgeUrl: string;
  /** The HTTPS listener of custom domains, or null when off. */
  httpsPort: number | null;
  adminTokenPath: string;
  tokenCreated: boolean;
  deps: CoreDeps;
  /** The listening sockets, for a restart to hand to its successor. */
  listenerFds(): ListenerFds;
  /**
   * Stops accepting on every listener and lets requests and streams in flight finish, up to
   * `boundMs`; resolves with the connections cut at the bound. `stop()` comes after.
   */
  drain(boundMs: number): Promise<{ cut: number }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Sockets already bound (systemd socket activation, or a restarting predecessor's). */
  inherited?: InheritedListeners;
  /** The pid of the predecessor handing over: it still runs, and still holds its steps' leases. */
  handoffFrom?: number | null;
}

/** `slipway up`: opens the data dir, wires every port to its local adapter and starts serving. */
export async function startPlatform(
  config: PlatformConfig,
  log: (line: string) => void,
  options: StartOptions = {},
): Promise<RunningPlatform> {
  const sandbox = await openDataDir(config, log);
  const other = runningPid(config.dataDir);
  const inherited = options.inherited ?? {};
  const target = (name: keyof InheritedListeners, port: number): ListenTarget => {
    const fd = inherited[name];
    return fd === undefined ? { port, host: config.host } : { fd };
  };
  if (other !== null && other !== process.pid && other !== options.handoffFrom) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Another Slipway (pid ${other}) is running on ${config.dataDir}.`,
      "Stop it first, or pass another --data-dir.",
    );
  }
  const removePidFile = writePidFile(config.dataDir);
  let forget = (_deploymentId: string) => {};
  let onFunctionLine: FunctionLineSink = () => {};
  const { deps, db, store, queue, builder, deployer, functionHost, urls, token, maskerOf, telemetryStore } =
    await wirePorts(
      config,
      sandbox.kind,
      log,
      (id) => forget(id),
      (...line) => onFunctionLine(...line),
    );
  const dir = (name: string) => join(config.dataDir, name);
  const telemetry = telemetryStore
    ? startTelemetry(
        {
          deploymentsDir: dir("deployments"),
          clientIp: config.logClientIp,
          retention: retentionOf(config),
          publicMetrics: config.metricsPublic,
          memoryMb: config.workerMemoryMb ?? DEFAULT_WORKER_LIMITS.memoryMb,
        },
        { store, telemetryStore, maskerOf, edgeCache: () => edge.cacheStats(), log },
      )
    : null;
  if (telemetry) onFunctionLine = telemetry.onFunctionLine;

  // One cached lookup per host for the front, routing and SNI; the change stamp of the SQLite file
  // drops it whenever anything (this process, a `slipway worker`, the CLI) may have changed a domain.
  const customDomains = domainsThroughStore(store, deps.secrets, createSqliteDomainRoutes(db));
  const httpsPort = httpsPortOf(config);
  const edge = createEdge({
    functionHost,
    domainFront: createDomainFront({
      lookup: customDomains.lookup,
      isPlatformHost: (hostname) => isWithin(hostname, config.domain),
      httpsPort,
      hsts: config.hsts === "off" ? null : config.hsts,
    }),
    deploymentsDir: dir("deployments"),
    ...(config.edgeCacheMb > 0
      ? { cache: { cachesDir: dir("caches"), maxBytes: config.edgeCacheMb * 1024 * 1024 } }
      : {}),
    ...routeThroughStore(store, customDomains.directory),
    ...(telemetry ? { onRequest: telemetry.onRequest } : {}),
  });
  await edge.listen(target("edge", config.edgePort)).catch((error: unknown) => {
    throw explainListenError(error, { name: "edge", host: config.host, port: config.edgePort, flag: "--edge-port" });
  });
  const contexts = createCertificateContexts(customDomains.certificates);
  const https =
    httpsPort === null
      ? null
      : createHttpsListener({ contextFor: contexts.contextFor, handle: edge.handleSecure, onError: log });
  await https?.listen(target("https", httpsPort ?? 0)).catch(async (error: unknown) => {
    await edge.close();
    throw explainListenError(error, { name: "HTTPS", host: config.host, port: httpsPort ?? 0, flag: "--https-port" });
  });

  const api = createApi({
    ...deps,
    accounts: {
      secret: await ensureAuthSecret(config.dataDir),
      baseUrl: urls.apiUrl,
      trustedOrigins: config.trustedOrigins,
      openSignUp: config.openSignUp,
    },
    ...(telemetry ? { observability: telemetry.api } : {}),
  });
  // One address for both: /api/* is the API, every other path the dashboard (Next, in-process).
  const apiListener = getRequestListener(api.fetch);
  const dashboard = createDashboardListener(api.fetch, { log, hostname: config.host, port: config.port });
  const apiServer = createServer((req, res) => (isApiPath(req.url) ? apiListener : dashboard)(req, res));
  const apiLifecycle = graceful(apiServer, "connection");
  await apiLifecycle.listen(target("api", config.port)).catch((error: unknown) => {
    throw explainListenError(error, { name: "API", host: config.host, port: config.port, flag: "--port" });
  });

  // Scratch a killed process left behind: only what no live process (a worker, a build) uses.
  await Promise.all([builder.sweep(), deployer.sweepLeftovers()]);
  // The previous process may have died mid-step: its leases go back at once rather than at
  // expiry. A `slipway worker` holding a lease may then see its step run twice: steps are
  // idempotent. A deployment whose message is gone altogether is the sweeper's.
  // Not while a predecessor hands over: it is finishing its steps and acknowledges them itself.
  if (!options.handoffFrom) await queue.releaseAll();
  const runner = startStepRunner(deps, certificateDeps(config, deps), config.certificateSweepMs, log);
  forget = (deploymentId) => edge.forget(deploymentId);
  const disk = startDiskSweeper({
    dataDir: config.dataDir,
    limits: diskLimitsOf(config),
    intervalMs: config.diskSweepMs,
    log,
  });
  // After a restore the aliased deployments have artifacts but no unpacked files: unpacked (and
  // pre-warmed) in the background, so the API answers at once; their sites answer as each is done.
  const unpacking = unpackMissingDeployments({
    store,
    deployer,
    rootOf: (id) => functionHost.paths(id).root,
    log,
  }).catch((error: unknown) => log(`unpacking aliased deployments failed: ${String(error)}`));

  return {
    apiUrl: urls.apiUrl,
    edgeUrl: urls.url(urls.hostname("<project>")),
    httpsPort,
    adminTokenPath: token.path,
    tokenCreated: token.created,
    deps,
    listenerFds() {
      const fd = (value: number | null, name: string) => {
        if (value === null) throw new Error(`the ${name} listener has no descriptor`);
        return value;
      };
      return {
        api: fd(apiLifecycle.listeningFd(), "API"),
        edge: fd(edge.listeningFd(), "edge"),
        https: https ? fd(https.listeningFd(), "HTTPS") : null,
      };
    },
    async drain(boundMs) {
      const reports = await Promise.all([
        apiLifecycle.drain(boundMs),
        edge.drain(boundMs),
        ...(https ? [https.drain(boundMs)] : []),
      ]);
      return { cut: reports.reduce((sum, report) => sum + report.cut, 0) };
    },
    async stop() {
      await new Promise((resolve) => apiServer.close(resolve));
      await unpacking;
      await https?.close();
      await edge.close();
      await telemetry?.stop();
      await disk.stop();
      // Builds run in their own processes and go on; the next start (or a worker) watches them.
      await runner.stop();
      await functionHost.close();
      await store.close();
      removePidFile();
      sandbox.restoreUmask();
    },
  };
}

/**
 * Decides the sandbox before anything is opened (an unsafe configuration stops here, having touched
 * nothing), then makes the data dir and everything this process creates in it its user's only.
 */
async function openDataDir(config: PlatformConfig, log: (line: string) => void) {
  // Decided once, so workers and builds agree (the host alone only checks bwrap is on PATH).
  const sandbox = decideSandbox(config, () => bwrapWorks());
  if (sandbox.kind === "none") log(sandbox.banner);
  const previousUmask = process.umask(0o077);
  await lockDownDataDir(config.dataDir);
  return { kind: sandbox.kind, restoreUmask: () => process.umask(previousUmask) };
}

/**
 * Every port on its local adapter, shared by `slipway up` and `slipway worker`. `onDeactivated`
 * tells the edge (when this process has one) that a deployment's files are gone.
 */
async function wirePorts(
  config: PlatformConfig,
  sandboxKind: "bwrap" | "none",
  log: (line: string) => void,
  onDeactivated: (id: string) => void,
  onFunctionLine: FunctionLineSink = () => {},
) {
  const dir = (name: string) => join(config.dataDir, name);

  const secrets = createAesGcmSecrets(config.masterKey ? { key: config.masterKey } : { keyFile: dir("master.key") });
  const db = openSqlite(dir("slipway.db"));
  const store = createSqliteStore(db);
  const sealed = await sealProjectSecrets(db, secrets);
  if (sealed > 0)
    log(`encrypted the webhook secrets and repository tokens of ${sealed} project(s) stored in plaintext`);
  const queue = createSqliteQueue(db, { maxAttempts: JOB_ATTEMPTS });
  const logs = createSqliteLogStore(db);
  // Opened by `slipway worker` too: a project removal it runs deletes the project's telemetry. In a
  // thread of its own: its inserts never run on the thread that serves requests.
  const telemetryStore = config.telemetry === "on" ? createThreadedTelemetryStore(dir("telemetry.db")) : undefined;
  const blobs = createFsBlobStore(config.dataDir); // keeps blobs in <dataDir>/blobs
  const urls = localUrlScheme(config);
  const token = await ensureAdminToken(store, config.dataDir);

  // Secret values per deployment, so runtime log lines can be masked before anyone sees them.
  const maskers = new Map<string, Masker>();
  // Pinned Node.js releases (and sharp) shared by builds and workers, installed on first use.
  const toolchain = createToolchain(dir("toolchain"));
  const functionHost = createFunctionHost({
    deploymentsDir: dir("deployments"),
    cachesDir: dir("caches"),
    socketDir: dir("run"),
    idleTimeoutMs: config.idleTimeoutMs,
    maxWorkersPerDeployment: config.maxWorkersPerDeployment,
    // Decided once above, so workers and builds agree (the host alone only checks bwrap is on PATH).
    sandbox: sandboxKind,
    network: config.sandboxNetwork,
    allowLoopback: config.allowLoopback,
    workerLimits: { memoryMb: config.workerMemoryMb, tmpMb: config.workerTmpMb },
    revalidateOrigin: `http://${selfAddress(config.host)}:${config.edgePort}`,
    nodeFor: async (version) => (await toolchain.node(version)).bin,
    getRuntimeEnv: async (deploymentId) => {
      const deployment = await store.deployments.get(deploymentId);
      const project = deployment && (await store.projects.get(deployment.projectId));
      if (!deployment || !project) throw new Error(`unknown deployment ${deploymentId}`);
      const { env, mask } = await deploymentEnv({ secrets, urls }, project, deployment);
      maskers.set(deploymentId, createMasker(mask));
      return env;
    },
    onLog: ({ deploymentId, stream, line }) => {
      onFunctionLine(deploymentId, stream, line);
      const mask = maskers.get(deploymentId) ?? ((text: string) => text);
      log(`[${deploymentId} ${stream}] ${mask(parseWorkerLine(stream, line).text)}`);
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
    onDeactivated,
  });

  const buildCacheDir = dir("build-cache");
  const builder = createSupervisedBuilder({
    jobsDir: dir("builds"),
    entry: BUILD_CHILD,
    nodeArgs: ["--import", TSX_LOADER],
    config: {
      dataDir: config.dataDir,
      dbPath: dir("slipway.db"),
      cacheDir: buildCacheDir,
      toolchainDir: toolchain.dir,
      openNextConfigPath: OPEN_NEXT_CONFIG,
      readOnlyPaths: OPEN_NEXT_CONFIG_IMPORTS,
      sandbox: config.sandbox,
      network: config.sandboxNetwork,
      timeoutMs: config.buildTimeoutMs,
      limits: { memoryMb: config.buildMemoryMb, processes: config.buildProcesses, diskMb: config.buildDiskMb },
    } satisfies BuildChildConfig,
  });
  const deps: CoreDeps = {
    store,
    queue,
    blobs,
    logs,
    secrets,
    builder,
    buildCache: createBuildCacheDir(buildCacheDir),
    deployer,
    git: createLsRemoteGit(),
    statusReporter: config.githubToken
      ? createGithubStatusReporter({
          token: config.githubToken,
          apiUrl: config.githubApiUrl,
          deployments: store.deployments,
          log,
        })
      : null,
    urls,
    settings: { retainDeployments: config.retainDeployments, domains: domainSettingsOf(config) },
    dns: createNodeDnsResolver(config.dnsServer),
    ...(telemetryStore ? { telemetry: telemetryStore } : {}),
  };
  const maskerOf = (deploymentId: string): Masker => maskers.get(deploymentId) ?? ((text: string) => text);
  return { deps, db, store, queue, builder, deployer, functionHost, urls, token, maskerOf, telemetryStore };
}

/**
 * Runs the deploy pipeline's steps from the queue, in this process, and sweeps for deployments
 * whose message was lost (any number of processes may sweep: resuming is idempotent).
 */
function startStepRunner(
  deps: CoreDeps,
  certificates: CertificateDeps,
  certificateSweepMs: number,
  log: (line: string) => void,
) {
  const runner = startJobRunner({
    queue: deps.queue,
    log,
    // Steps are short and mostly wait on I/O; one slow activation must not hold up the others.
    concurrency: 2,
    leaseMs: STEP_LEASE_MS,
    handle: async (job) => {
      const hostname = certificateJobHostname(job);
      // An ACME order failing is recorded on the domain (with its backoff), not retried here.
      if (hostname !== null) return issueCertificateStep(certificates, hostname);
      try {
        await handleDeployJob(deps, job);
      } catch (error) {
        const deploymentId = deploymentIdOf(job);
        if (deploymentId !== null && job.attempts >= JOB_ATTEMPTS) await giveUpDeployment(deps, deploymentId, error);
        throw error;
      }
    },
  });
  const sweeper = startPipelineSweeper({ deps, log, onResumed: () => runner.poke() });
  const renewals = startCertificateSweeper({
    deps: certificates,
    intervalMs: certificateSweepMs,
    log,
    onQueued: () => runner.poke(),
  });
  return {
    async stop() {
      await renewals.stop();
      await sweeper.stop();
      await runner.stop();
    },
  };
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * `slipway worker`: only the pipeline's step handlers (and the stalled-deployment sweep), on the
 * same data dir as a running `slipway up` (two consumers, one queue). No API, no edge, no
 * start-up sweeping of leftovers: the platform owns those.
 */
export async function startWorker(config: PlatformConfig, log: (line: string) => void): Promise<RunningWorker> {
  const sandbox = await openDataDir(config, log);
  const { deps, store, functionHost, telemetryStore } = await wirePorts(config, sandbox.kind, log, () => {});
  const runner = startStepRunner(deps, certificateDeps(config, deps), config.certificateSweepMs, log);
  return {
    async stop() {
      await runner.stop();
      await telemetryStore?.close();
      await functionHost.close();
      await store.close();
      sandbox.restoreUmask();
    },
  };
}

function diskLimitsOf(config: PlatformConfig) {
  return { buildCacheMb: config.buildCacheMaxMb, buildScratchMb: config.buildScratchMaxMb };
}
