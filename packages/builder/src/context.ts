import { mkdir, mkdtemp, realpath } from "node:fs/promises";
import path from "node:path";
import { createMasker } from "@slipway/core";
import { type Cgroup, cgroupSupport, createCgroup } from "@slipway/sandbox";
import { projectCacheDir, safeName } from "./cache/project-cache-dir.ts";
import { removeInBackground } from "./cache/remove-in-background.ts";
import { type BuildLog, createBuildLog } from "./log/build-log.ts";
import type { ResolvedOptions } from "./options.ts";
import type { PipelineRequest } from "./pipeline-types.ts";
import { resolveSandbox, type Sandbox } from "./sandbox/sandbox.ts";
import type { NodeRuntime } from "./toolchain/node-toolchain.ts";

export interface BuildDirs {
  /** The build's private scratch root: everything below is removed after the build. */
  work: string;
  /** The checkout. */
  repo: string;
  home: string;
  tmp: string;
  /** `<cacheDir>/<projectId>`: survives builds; only the host side of the builder touches it... */
  projectCache: string;
  /** ...except `<projectCache>/pm`, the package manager's cache, the one part the sandbox can write. */
  pmCache: string;
}

/** Everything a step needs about the build in progress. */
export interface BuildContext {
  request: PipelineRequest;
  options: ResolvedOptions;
  log: BuildLog;
  /** Fires on cancellation or timeout; `abortCause` says which. */
  signal: AbortSignal;
  abortCause(): "canceled" | "timeout" | null;
  dirs: BuildDirs;
  /** The Node.js the project asked for, set by the toolchain step; null before it (the platform's Node). */
  node: NodeRuntime | null;
  sandbox: Sandbox;
  /** Where the build's memory and processes are counted and limited; null where the host has no usable cgroup. */
  cgroup: Cgroup | null;
  timings: Record<string, number>;
  /** Registers work that must run when the build ends, however it ends. */
  defer(task: () => Promise<void>): void;
  close(): Promise<void>;
}

export async function openBuild(options: ResolvedOptions, request: PipelineRequest): Promise<BuildContext> {
  const log = createBuildLog({
    onLog: request.onLog,
    mask: createMasker(request.mask),
    limitBytes: options.logLimitBytes,
    linesBefore: request.logLinesBefore ?? 0,
  });

  // One signal for both ways a build is stopped, so every process runner only watches one.
  const controller = new AbortController();
  let cause: "canceled" | "timeout" | null = null;
  const cancel = () => {
    cause ??= "canceled";
    controller.abort();
  };
  if (request.signal.aborted) cancel();
  request.signal.addEventListener("abort", cancel, { once: true });
  const timer = setTimeout(() => {
    cause ??= "timeout";
    controller.abort();
  }, options.timeoutMs);

  await mkdir(options.workDir, { recursive: true });
  // Real path: the sandbox binds folders by path, and cwd checks compare them.
  const work = await realpath(await mkdtemp(path.join(options.workDir, `${safeName(request.deploymentId)}-`)));
  const dirs: BuildDirs = {
    work,
    repo: path.join(work, "repo"),
    home: path.join(work, "home"),
    tmp: path.join(work, "tmp"),
    projectCache: projectCacheDir(options.cacheDir, request.projectId),
    pmCache: path.join(projectCacheDir(options.cacheDir, request.projectId), "pm"),
  };
  await Promise.all([dirs.home, dirs.tmp, dirs.pmCache].map((dir) => mkdir(dir, { recursive: true })));

  const deferred: Array<() => Promise<void>> = [];
  const { limits } = options;
  const sandbox = resolveSandbox(options.sandbox, options.network, {
    nofile: limits.nofile,
    fileSizeBytes: limits.diskMb * 1024 * 1024,
  });
  if (sandbox.kind === "none" && options.sandbox !== "none") {
    log.system("⚠ bubblewrap is not available: building WITHOUT a sandbox");
  }
  if (sandbox.network.mode === "host" && options.network !== "host" && sandbox.kind === "bwrap") {
    log.system(`⚠ ${sandbox.network.note}`);
  }
  const cgroup = createCgroup(`build-${path.basename(work)}`, {
    memoryBytes: limits.memoryMb * 1024 * 1024,
    pids: limits.processes,
  });

  const support = cgroupSupport();
  if (!support.memory || !support.pids) log.system(`⚠ ${support.note}: memory and process limits not enforced`);

  return {
    request,
    options,
    log,
    signal: controller.signal,
    abortCause: () => cause,
    dirs,
    node: null,
    sandbox,
    cgroup,
    timings: {},
    defer: (task) => deferred.push(task),
    async close() {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", cancel);
      // Kills whatever the build left running (a daemon that escaped its process group) first.
      cgroup?.remove();
      for (const task of deferred.reverse()) await task();
      if (!options.keepWorkDir) removeInBackground(work);
    },
  };
}

/** Ids become folder names; anything unexpected is flattened rather than trusted. */

/** Runs a step and records its wall time under `name`. */
export async function timed<T>(ctx: BuildContext, name: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    ctx.timings[name] = Math.round(performance.now() - start);
  }
}
