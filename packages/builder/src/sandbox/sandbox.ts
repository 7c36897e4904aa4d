import {
  BOX_TMPDIR,
  type Box,
  bwrapArgs,
  bwrapFeatures,
  type Cgroup,
  launchBox,
  launchDirect,
  type NetworkIsolation,
  type NetworkMode,
  networkIsolationStatus,
  type SandboxMounts,
  slirpResolvConf,
} from "@slipway/sandbox";

export type SandboxMode = "auto" | "bwrap" | "none";

/** Per-process limits set with prlimit inside the sandbox (cgroup limits are the build's). */
export interface ProcessLimits {
  /** RLIMIT_NOFILE. */
  nofile: number;
  /** RLIMIT_FSIZE in bytes: no single file may be larger than the build's disk limit. */
  fileSizeBytes: number;
}

export interface StartSpec {
  argv: string[];
  mounts: SandboxMounts;
  env: Record<string, string>;
  cgroup: Cgroup | null;
}

export interface Sandbox {
  readonly kind: "bwrap" | "none";
  readonly network: NetworkIsolation;
  /** Starts argv inside the sandbox, in its own process group, stdout and stderr piped. */
  start(spec: StartSpec): Box;
}

/**
 * Resolves the sandbox once per build. "auto" uses bubblewrap when it works here and otherwise
 * runs unsandboxed (the caller logs a warning); "bwrap" insists on it. The network is isolated
 * (slirp4netns) unless `network` says "host" or slirp4netns is missing in "auto" mode.
 */
export function resolveSandbox(
  mode: SandboxMode,
  network: NetworkMode,
  limits: ProcessLimits,
  bwrapPath = "bwrap",
): Sandbox {
  // prlimit goes inside bwrap so the limits apply to the build, not to bwrap's setup.
  const prefix = ["prlimit", `--nofile=${limits.nofile}`, `--fsize=${limits.fileSizeBytes}`, "--"];
  const works = mode !== "none" && bwrapFeatures(bwrapPath).works;
  if (mode === "bwrap" && !works) throw new Error(`sandbox "bwrap" requested but ${bwrapPath} cannot run here`);
  if (!works) {
    return {
      kind: "none",
      network: networkIsolationStatus("host"),
      start: ({ argv, mounts, env, cgroup }) =>
        launchDirect({
          argv: [...prefix, ...argv],
          cwd: mounts.cwd,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
          cgroup,
        }),
    };
  }
  const net = networkIsolationStatus(network);
  const isolated = net.mode === "isolated";
  return {
    kind: "bwrap",
    network: net,
    start: ({ argv, mounts, env, cgroup }) =>
      launchBox({
        bwrap: bwrapPath,
        bwrapArgs: bwrapArgs(mounts, { isolated, resolvConf: isolated ? slirpResolvConf() : null }),
        argv: [...prefix, ...argv],
        cwd: mounts.cwd,
        // The build's temp folder is the same host folder, seen where no project or checkout is above it.
        env: mounts.tmp === undefined ? env : { ...env, TMPDIR: BOX_TMPDIR },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        cgroup,
        slirp: net.slirp4netns,
      }),
  };
}

/** True when bubblewrap runs here with the namespaces it unshares (probed once per path). */
export function bwrapWorks(bwrapPath = "bwrap"): boolean {
  return bwrapFeatures(bwrapPath).works;
}
