import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RUNTIME_ENV } from "@slipway/core";
import { createCgroup, reclaimOrphanedCgroups, SpareBox } from "@slipway/sandbox";
import {
  assetsDirOf,
  createManifestCache,
  deploymentCacheDir,
  deploymentRoot,
  functionDirOf,
} from "../deployment-files.ts";
import { errorPage } from "./error-page.ts";
import { forward } from "./forward.ts";
import { resolveWorkerIsolation } from "./isolation.ts";
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_WORKERS_PER_DEPLOYMENT,
  DEFAULT_WORKER_LIMITS,
  heapFlags,
} from "./limits.ts";
import { type LoopbackTarget, openForwards, parseLoopbackTarget } from "./loopback-forward.ts";
import { Pool } from "./pool.ts";
import { planWorkerSpawn } from "./sandbox.ts";
import { SparePool } from "./spare-pool.ts";
import type { FunctionHost, FunctionHostOptions, FunctionKind } from "./types.ts";
import { warmRequest } from "./warm.ts";
import { WORKER_STDIO, WorkerProcess, WorkerStartError } from "./worker-process.ts";

/** After a cold start, when its spare sandbox is replaced (see SparePool). */
const SPARE_REFILL_DELAY_MS = 250;
/** What a worker's cgroup name starts with (after `slipway-<pid>-`): no build's does. */
const WORKER_CGROUP = "worker-";

const WORKER_SCRIPT = fileURLToPath(new URL("./worker/worker.mjs", import.meta.url));

export function createFunctionHost(options: FunctionHostOptions): FunctionHost {
  const workerPath = options.workerPath ?? "/usr/local/bin:/usr/bin:/bin";
  const workerLimits = {
    memoryMb: options.workerLimits?.memoryMb ?? DEFAULT_WORKER_LIMITS.memoryMb,
    tmpMb: options.workerLimits?.tmpMb ?? DEFAULT_WORKER_LIMITS.tmpMb,
  };
  const isolation = resolveWorkerIsolation(
    options.sandbox ?? "auto",
    options.network ?? "auto",
    workerLimits,
    workerPath,
  );
  const allowed = (options.allowLoopback ?? []).map(parseLoopbackTarget);
  const socketDir = options.socketDir ?? mkdtempSync(path.join(os.tmpdir(), "slw-"));
  const manifests = createManifestCache(options.deploymentsDir);
  const pools = new Map<string, Pool>();
  const onEvent = options.onEvent ?? (() => {});
  const limits = {
    timeoutMs: options.requestTimeoutMs ?? 60_000,
    maxBodyBytes: options.maxRequestBodyBytes ?? 6 * 1024 * 1024,
  };

  // Node sizes its heap from the cgroup only if it is in it when it starts (see heapFlags): a
  // sandboxed worker is (bwrap holds the command until it has joined; a spare joined before), a
  // plain process joins just after.
  const inMemoryCgroup = isolation.sandbox && isolation.memory === "cgroup";
  // Workers a SIGKILLed platform left running (see reclaimOrphanedCgroups) go before any starts.
  if (isolation.sandbox) reclaimOrphanedCgroups(WORKER_CGROUP);
  const spares = isolation.sandbox
    ? new SparePool((argv) => {
        const cgroup = newWorkerCgroup();
        if (cgroup === null && inMemoryCgroup) return null;
        return new SpareBox({ bwrap: "bwrap", argv, stdio: [...WORKER_STDIO], cgroup });
      })
    : null;

  const paths = (deploymentId: string) => ({
    root: deploymentRoot(options.deploymentsDir, deploymentId),
    cache: deploymentCacheDir(options.cachesDir, deploymentId),
  });

  async function startWorker(deploymentId: string, kind: FunctionKind): Promise<WorkerProcess> {
    const started = performance.now();
    const { root, cache } = paths(deploymentId);
    // One socket folder per worker: a sandboxed worker can reach its own socket and no other.
    const ownSocketDir = path.join(socketDir, randomUUID().slice(0, 8));
    mkdirSync(ownSocketDir, { recursive: true });
    mkdirSync(cache, { recursive: true });
    const socketPath = path.join(ownSocketDir, "s");
    const origin = new URL(
      typeof options.revalidateOrigin === "function" ? options.revalidateOrigin() : options.revalidateOrigin,
    );
    const isolated = isolation.sandbox && isolation.network.mode === "isolated";
    // Everything a cold start waits for before the spawn, at once rather than one after another.
    // In its own network namespace the worker reaches the edge (ISR revalidation) and the
    // allowlisted services through forwards on its own loopback, and nothing else of the host's.
    const [loaded, runtimeEnv, opened] = await Promise.allSettled([
      manifests.load(deploymentId),
      options.getRuntimeEnv(deploymentId),
      isolated ? openForwards(ownSocketDir, [edgeTarget(origin), ...allowed]) : { specs: [], close: () => {} },
    ]);
    const abandon = (error: unknown): never => {
      if (opened.status === "fulfilled") opened.value.close();
      rmSync(ownSocketDir, { recursive: true, force: true });
      throw error;
    };
    if (loaded.status === "rejected") return abandon(loaded.reason);
    if (runtimeEnv.status === "rejected") return abandon(runtimeEnv.reason);
    if (opened.status === "rejected") return abandon(opened.reason);
    const manifest = loaded.value;
    const forwards = opened.value;
    const fn =
      kind === "server"
        ? manifest.server
        : kind === "image"
          ? manifest.image
          : manifest.functions.find((routed) => routed.name === kind);
    if (!fn) return abandon(new Error(`deployment ${deploymentId} has no ${kind} function`));
    // The deployment's Node.js release (installed on first use): a failed install abandons the start.
    let nodePath = process.execPath;
    try {
      if (options.nodeFor) nodePath = await options.nodeFor(manifest.nodeVersion);
    } catch (error) {
      return abandon(error);
    }
    const bundleDir = functionDirOf(root, fn);
    if (isolated) origin.hostname = "127.0.0.1";
    const env: Record<string, string> = {
      ...runtimeEnv.value,
      PATH: workerPath,
      NODE_ENV: "production",
      TZ: options.tz ?? "UTC",
      [RUNTIME_ENV.cacheDir]: cache,
      [RUNTIME_ENV.assetsDir]: assetsDirOf(root, manifest),
      [RUNTIME_ENV.revalidateOrigin]: origin.origin,
    };
    const planWith = (inCgroup: boolean) =>
      planWorkerSpawn({
        sandbox: isolation.sandbox,
        nodePath,
        nodeFlags: heapFlags(workerLimits, inCgroup),
        workerScript: WORKER_SCRIPT,
        socketPath,
        entry: path.join(bundleDir, fn.entry),
        forwards: forwards.specs,
        bundleDir,
        deploymentDir: root,
        cacheDir: cache,
        isolatedNetwork: isolated && isolation.resolvConf ? { resolvConf: isolation.resolvConf } : null,
        tmpBytes: isolation.tmpBytes,
      });
    let plan = planWith(inMemoryCgroup);
    // A spare sandbox for this command is in its cgroup already, or about to be: waiting out the
    // rest of its join beats starting a new one (see SparePool). Else a new cgroup.
    const spare = (await spares?.take(plan.argv)) ?? null;
    const cgroup = spare ? spare.cgroup : newWorkerCgroup();
    // Without its cgroup (one could not be made) the heap flag is the worker's only memory limit.
    if (cgroup === null && inMemoryCgroup) plan = planWith(false);
    const cleanup = () => {
      forwards.close();
      cgroup?.remove();
      rmSync(ownSocketDir, { recursive: true, force: true });
      // The next start of this command comes after a worker is gone, at the latest: off anyone's path.
      spares?.refill(plan.argv);
    };
    try {
      const worker = await WorkerProcess.start({
        plan,
        spare,
        env: { ...env, ...plan.env },
        socketPath,
        deploymentId,
        kind,
        startTimeoutMs: options.startTimeoutMs ?? 15_000,
        cgroup,
        slirp: isolated ? isolation.network.slirp4netns : null,
        cleanup,
        onLine: (stream, line) => options.onLog?.({ deploymentId, kind, stream, line }),
      });
      const ms = Math.round(performance.now() - started);
      onEvent({
        type: "cold-start",
        deploymentId,
        kind,
        pid: worker.pid,
        ms,
        node: manifest.nodeVersion,
        ...worker.phases,
      });
      return worker;
    } catch (error) {
      cleanup();
      const stderr = error instanceof WorkerStartError ? error.stderr : [];
      onEvent({ type: "start-failed", deploymentId, kind, error: String(error), stderr });
      throw error;
    } finally {
      // The next cold start on this Node.js finds a spare; started a little later, so that its
      // spawn does not hold up the response this start was for.
      const argv = plan.argv;
      if (spares) setTimeout(() => spares.refill(argv), SPARE_REFILL_DELAY_MS).unref();
    }
  }

  function newWorkerCgroup() {
    return createCgroup(`${WORKER_CGROUP}${randomUUID().slice(0, 8)}`, {
      memoryBytes: workerLimits.memoryMb * 1024 * 1024,
    });
  }

  function poolFor(deploymentId: string, kind: FunctionKind): Pool {
    const key = `${deploymentId}\0${kind}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool({
        deploymentId,
        kind,
        maxWorkers: options.maxWorkersPerDeployment ?? DEFAULT_MAX_WORKERS_PER_DEPLOYMENT,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        startWorker: () => startWorker(deploymentId, kind),
        onEvent,
      });
      pools.set(key, pool);
    }
    return pool;
  }

  async function stop(deploymentId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, pool] of pools) {
      if (!key.startsWith(`${deploymentId}\0`)) continue;
      pools.delete(key);
      stopping.push(pool.stopAll());
    }
    manifests.forget(deploymentId);
    await Promise.all(stopping);
  }

  return {
    isolation: isolation.notes,
    paths,
    async dispatch({ deploymentId, kind, req, res, headers, requestId }) {
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > limits.maxBodyBytes) {
        // Refuse before waking a worker: an oversized upload must not cost a cold start.
        const body = errorPage(413, `The request body is larger than ${limits.maxBodyBytes} bytes.`, requestId);
        res.writeHead(413, {
          "content-type": "text/html; charset=utf-8",
          "x-request-id": requestId,
          connection: "close",
        });
        res.end(body);
        return { status: 413, bytes: body.length, coldStart: false };
      }
      let acquired: Awaited<ReturnType<Pool["acquire"]>>;
      try {
        acquired = await poolFor(deploymentId, kind).acquire();
      } catch (error) {
        const body = errorPage(502, `The function could not start: ${String(error)}`, requestId);
        res.writeHead(502, { "content-type": "text/html; charset=utf-8", "x-request-id": requestId });
        res.end(body);
        return { status: 502, bytes: body.length, coldStart: true };
      }
      const result = await forward({ worker: acquired.worker, req, res, headers, requestId, ...limits });
      return { ...result, coldStart: acquired.coldStart };
    },
    async warm(deploymentId, request = {}) {
      const started = performance.now();
      const pool = poolFor(deploymentId, "server");
      const { worker, coldStart } = await pool.acquire();
      const status = await warmRequest(worker, request.path ?? "/", request.host ?? "localhost", limits.timeoutMs);
      return { status, ms: Math.round(performance.now() - started), coldStart };
    },
    stop,
    workers(deploymentId) {
      return [...pools.values()].flatMap((pool) =>
        pool.workers
          .filter((w) => deploymentId === undefined || w.deploymentId === deploymentId)
          .map((w) => ({ deploymentId: w.deploymentId, kind: w.kind, pid: w.pid, inflight: w.inflight })),
      );
    },
    async close() {
      spares?.close();
      const ids = new Set([...pools.values()].flatMap((p) => p.workers.map((w) => w.deploymentId)));
      for (const key of pools.keys()) ids.add(key.split("\0")[0] ?? "");
      await Promise.all([...ids].map(stop));
      // A folder the host made for itself goes with it (its workers' folders went as they stopped).
      if (options.socketDir === undefined) rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** The edge as the host reaches it; inside the sandbox it is 127.0.0.1 on the same port. */
function edgeTarget(origin: URL): LoopbackTarget {
  const port = Number(origin.port) || (origin.protocol === "https:" ? 443 : 80);
  return { host: origin.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}
