import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bwrapWorks, createBuildCacheDir, createSupervisedBuilder, createToolchain } from "@slipway/builder";
import { type CoreDeps, createGithubStatusReporter, createMasker, deploymentEnv, type Masker } from "@slipway/core";
import {
  createAesGcmSecrets,
  createFsBlobStore,
  createLsRemoteGit,
  createNodeDnsResolver,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
  sealProjectSecrets,
} from "@slipway/local";
import { createFunctionHost, createLocalDeployer, parseWorkerLine } from "@slipway/runtime";
import { ensureAdminToken } from "./admin-token.ts";
import type { BuildChildConfig } from "./build-child.ts";
import { edgeCanaryWatch } from "./canary/edge-canary-watch.ts";
import { domainSettingsOf } from "./certificates.ts";
import type { PlatformConfig } from "./config.ts";
import { lockDownDataDir } from "./data-dir.ts";
import { decideSandbox } from "./sandbox-policy.ts";
import { createThreadedTelemetryStore } from "./telemetry/threaded-store.ts";
import { localUrlScheme, selfAddress } from "./urls.ts";

export const OPEN_NEXT_CONFIG = fileURLToPath(new URL("../../runtime/opennext/open-next.config.ts", import.meta.url));
/** What the OpenNext config imports besides itself; the build sandbox must be able to read it. */
export const OPEN_NEXT_CONFIG_IMPORTS = [fileURLToPath(new URL("../../core/src", import.meta.url))];

/** The child process of a supervised build, and the flag that lets Node run it as TypeScript. */
const BUILD_CHILD = fileURLToPath(new URL("./build-child.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Tries of a job that throws (a fault, not a failed build) before its deployment is given up. */
export const JOB_ATTEMPTS = 5;

/** A worker's output line, for the telemetry of `slipway up` (a `slipway worker` has none). */
export type FunctionLineSink = (deploymentId: string, stream: "stdout" | "stderr", line: string) => void;

/**
 * Decides the sandbox before anything is opened (an unsafe configuration stops here, having touched
 * nothing), then makes the data dir and everything this process creates in it its user's only.
 */
export async function openDataDir(config: PlatformConfig, log: (line: string) => void) {
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
export async function wirePorts(
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
  const maskerOf = (deploymentId: string): Masker => maskers.get(deploymentId) ?? ((text: string) => text);
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
      const mask = maskerOf(deploymentId);
      log(`[${deploymentId} ${stream}] ${mask(parseWorkerLine(stream, line).text)}`);
    },
    onEvent: (event) => {
      if (event.type === "cold-start") log(`cold start ${event.deploymentId} (${event.kind}) in ${event.ms} ms`);
      else if (event.type === "start-failed") {
        const mask = maskerOf(event.deploymentId);
        const stderr = event.stderr.length > 0 ? `; its last stderr: ${event.stderr.map(mask).join(" | ")}` : "";
        log(`${mask(event.error)}${stderr}`);
      } else if (event.type === "crash")
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
    // Canary releases: the edge splits production and counts the canary's errors.
    canaryWatch: edgeCanaryWatch,
  };
  return { deps, db, store, queue, builder, deployer, functionHost, urls, token, maskerOf, telemetryStore };
}
