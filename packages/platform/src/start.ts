import { createServer } from "node:http";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { createApi } from "@slipway/api";
import { type CoreDeps, isWithin, SlipwayError } from "@slipway/core";
import { createSqliteDomainRoutes } from "@slipway/local";
import {
  createCertificateContexts,
  createDomainFront,
  createEdge,
  createHttpsListener,
  DEFAULT_WORKER_LIMITS,
  domainsThroughStore,
  graceful,
  type ListenTarget,
  routeThroughStore,
} from "@slipway/runtime";
import { ensureAuthSecret } from "./auth-secret.ts";
import { watchCanaryErrors } from "./canary/watch-canary-errors.ts";
import { certificateDeps, httpsPortOf } from "./certificates.ts";
import type { PlatformConfig } from "./config.ts";
import { createDashboardListener, isApiPath } from "./dashboard.ts";
import { startDiskSweeper } from "./disk/sweeper.ts";
import { explainListenError } from "./listen-error.ts";
import { runningPid, writePidFile } from "./pid-file.ts";
import type { InheritedListeners } from "./restart/inherited-listeners.ts";
import type { ListenerFds } from "./restart/successor.ts";
import { retentionOf, startTelemetry } from "./telemetry/start-telemetry.ts";
import { unpackMissingDeployments } from "./unpack-missing.ts";
import { type FunctionLineSink, openDataDir, wirePorts } from "./wire-ports.ts";
import { startStepRunner } from "./worker.ts";

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
  // drops it, and routing's Host → deployment, whenever anything (this process, a `slipway
  // worker`, the CLI) may have changed a domain or moved an alias.
  const customDomains = domainsThroughStore(store, deps.secrets, createSqliteDomainRoutes(db));
  const httpsPort = httpsPortOf(config);
  // Automatic rollback of a canary whose worker fails (the AWS rule, counted at this edge).
  const canaryErrors = watchCanaryErrors(deps, customDomains.directory.changes, log);
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
    ...routeThroughStore(store, { customDomains: customDomains.directory, changes: customDomains.directory.changes }),
    onRequest: telemetry
      ? (report) => {
          telemetry.onRequest(report);
          canaryErrors.observe(report);
        }
      : canaryErrors.observe,
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

function diskLimitsOf(config: PlatformConfig) {
  return { buildCacheMb: config.buildCacheMaxMb, buildScratchMb: config.buildScratchMaxMb };
}
