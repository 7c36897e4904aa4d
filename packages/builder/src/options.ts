import path from "node:path";
import type { BlobStore } from "@slipway/core";
import type { NetworkMode } from "@slipway/sandbox";
import { type BuildLimits, DEFAULT_BUILD_LIMITS, DEFAULT_BUILD_TIMEOUT_MS } from "./limits.ts";
import { type HostNetwork, hostNetwork } from "./network-env.ts";
import type { SandboxMode } from "./sandbox/sandbox.ts";

export interface LocalBuilderOptions {
  blobStore: BlobStore;
  /** Build caches, one folder per project: `<cacheDir>/<projectId>/`. */
  cacheDir: string;
  /**
   * Pinned Node.js releases and sharp, installed on first use and shared by every build (and the
   * function host, through the platform). @default `toolchain` beside `cacheDir`
   */
  toolchainDir?: string;
  /** Scratch space: each build gets `<workDir>/<deploymentId>-<random>/`, removed afterwards. */
  workDir: string;
  /** Slipway's OpenNext config (owned by the runtime); passed to `open-next build --config-path`. */
  openNextConfigPath: string;
  /** "auto" (default) uses bubblewrap when it works and otherwise warns and runs unsandboxed. */
  sandbox?: SandboxMode;
  /** Wall-clock limit for the whole build (default 20 min). */
  timeoutMs?: number;
  /** Log bytes kept per build (default 5 MiB); later output is dropped, the build goes on. */
  logLimitBytes?: number;
  /** Memory, processes, disk and open files per build; unset ones keep DEFAULT_BUILD_LIMITS. */
  limits?: Partial<BuildLimits>;
  /**
   * "auto" (default): the build gets its own network namespace through slirp4netns (the internet,
   * not the host's loopback services) when slirp4netns is installed, else the host's network with
   * a warning in every build log; "isolated" insists; "host" shares the host's network.
   */
  network?: NetworkMode;
  /** Platform additions to every build's env (a registry mirror, a proxy); the user's env wins. */
  env?: Record<string, string>;
  /** Extra env for git on the host, e.g. GIT_SSH_COMMAND with a deploy key. */
  gitEnv?: Record<string, string>;
  /** Extra read-only folders visible in the sandbox, e.g. what the OpenNext config imports. */
  readOnlyPaths?: string[];
  /**
   * How the host reaches the registry (CA file, proxies, registry); default: read from this
   * process's env (NODE_EXTRA_CA_CERTS, HTTPS_PROXY, ...). Every package manager in the sandbox gets it.
   */
  hostNetwork?: HostNetwork;
  /** Keep the work dir after the build, for debugging. */
  keepWorkDir?: boolean;
}

export type ResolvedOptions = Required<
  Omit<LocalBuilderOptions, "limits" | "env" | "gitEnv" | "readOnlyPaths" | "hostNetwork">
> & {
  hostNetwork: HostNetwork;
  limits: BuildLimits;
  env: Record<string, string>;
  gitEnv: Record<string, string>;
  readOnlyPaths: string[];
};

export function resolveOptions(options: LocalBuilderOptions): ResolvedOptions {
  return {
    sandbox: "auto",
    logLimitBytes: 5 * 1024 * 1024,
    keepWorkDir: false,
    ...options,
    // An unset setting passed along as `undefined` must not erase the default either.
    timeoutMs: options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
    network: options.network ?? "auto",
    toolchainDir: options.toolchainDir ?? path.join(path.dirname(options.cacheDir), "toolchain"),
    limits: { ...DEFAULT_BUILD_LIMITS, ...definedOnly(options.limits ?? {}) },
    env: options.env ?? {},
    gitEnv: options.gitEnv ?? {},
    readOnlyPaths: options.readOnlyPaths ?? [],
    hostNetwork: options.hostNetwork ?? hostNetwork(process.env),
  };
}

/** `{ memoryMb: undefined }` from an unset flag must not erase the default. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
