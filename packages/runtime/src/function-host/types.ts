import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeVersion } from "@slipway/core";
import type { NetworkMode } from "@slipway/sandbox";
import type { WorkerLimits } from "./limits.ts";
import type { ColdStartPhases } from "./worker-process.ts";

/**
 * A function of a deployment, each run in its own worker pool: OpenNext's "server" and "image"
 * functions, or a routed function named in the manifest's `functions` (an edge runtime route).
 */
export type FunctionKind = "server" | "image" | (string & {});

export type FunctionHostEvent =
  | ({
      type: "cold-start";
      deploymentId: string;
      kind: FunctionKind;
      pid: number;
      ms: number;
      /** The worker's Node.js major version. */
      node: string;
    } & ColdStartPhases)
  /** `stderr`: the worker's last lines when it exited before ready (for the operator's log). */
  | { type: "start-failed"; deploymentId: string; kind: FunctionKind; error: string; stderr: readonly string[] }
  | { type: "scale-up"; deploymentId: string; kind: FunctionKind; workers: number }
  | { type: "scale-down"; deploymentId: string; kind: FunctionKind; pid: number; reason: "idle" | "stop" }
  /** A worker killed because a request ran past its timeout: it may still be spinning on it. */
  | { type: "recycle"; deploymentId: string; kind: FunctionKind; pid: number; reason: "timeout"; inflight: number }
  | {
      type: "crash";
      deploymentId: string;
      kind: FunctionKind;
      pid: number;
      code: number | null;
      signal: string | null;
      inflight: number;
      /** "out-of-memory": past its memory limit (cgroup) or V8 heap limit. */
      cause: "crash" | "out-of-memory";
    };

export interface FunctionHostOptions {
  /** Unpacked artifacts: `<deploymentsDir>/<deploymentId>/` (read-only to workers). */
  readonly deploymentsDir: string;
  /** Writable incremental caches: `<cachesDir>/<deploymentId>/`. */
  readonly cachesDir: string;
  /** Folder for the workers' unix sockets. @default a fresh folder under the OS temp dir */
  readonly socketDir?: string;
  /** The deployment's own env vars (decrypted), the only app-level env a worker sees. */
  readonly getRuntimeEnv: (deploymentId: string) => Promise<Record<string, string>>;
  /** Origin ISR revalidation requests go to (the edge): a function because the port may be late-bound. */
  readonly revalidateOrigin: string | (() => string);
  /** Stop a worker after this long without requests (scale to zero). @default DEFAULT_IDLE_TIMEOUT_MS */
  readonly idleTimeoutMs?: number;
  /** @default DEFAULT_MAX_WORKERS_PER_DEPLOYMENT */
  readonly maxWorkersPerDeployment?: number;
  /** Whole-response limit; 504 when no response has started by then. @default 60_000 */
  readonly requestTimeoutMs?: number;
  /** Request body limit (413 above it). @default 6 MiB, Lambda's payload limit */
  readonly maxRequestBodyBytes?: number;
  /** How long a worker may take to import its bundle and listen. @default 15_000 */
  readonly startTimeoutMs?: number;
  /** "auto": bubblewrap when `bwrap` is on the PATH. @default "auto" */
  readonly sandbox?: "auto" | "bwrap" | "none";
  /**
   * Sandboxed workers' network: "auto" gives each its own namespace through slirp4netns (outbound
   * only, no host loopback) when installed, else the host's network. @default "auto"
   */
  readonly network?: NetworkMode;
  /**
   * Host loopback services (`127.0.0.1:5432`) workers may reach from an isolated network, each on
   * the same port of the worker's own loopback. The edge (ISR revalidation) is always reachable.
   */
  readonly allowLoopback?: readonly string[];
  /** @default DEFAULT_WORKER_LIMITS */
  readonly workerLimits?: Partial<WorkerLimits>;
  /**
   * The node binary for a deployment's Node.js major version (its manifest's `nodeVersion`),
   * installed if need be; the platform passes the toolchain's. @default always process.execPath
   */
  readonly nodeFor?: (version: NodeVersion) => Promise<string>;
  /** PATH given to workers. @default "/usr/local/bin:/usr/bin:/bin" */
  readonly workerPath?: string;
  /** @default "UTC" */
  readonly tz?: string;
  readonly onEvent?: (event: FunctionHostEvent) => void;
  /** Worker stdout/stderr, line by line (runtime logs). */
  readonly onLog?: (line: {
    deploymentId: string;
    kind: FunctionKind;
    stream: "stdout" | "stderr";
    line: string;
  }) => void;
}

export interface DispatchInput {
  readonly deploymentId: string;
  readonly kind: FunctionKind;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Headers to send to the worker (the edge adds X-Forwarded-* and x-request-id). */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly requestId: string;
}

export interface DispatchResult {
  readonly status: number;
  readonly bytes: number;
  /** The request waited for a worker to start. */
  readonly coldStart: boolean;
}

export interface WarmResult {
  readonly status: number;
  readonly ms: number;
  readonly coldStart: boolean;
}

export interface WorkerInfo {
  readonly deploymentId: string;
  readonly kind: FunctionKind;
  readonly pid: number;
  readonly inflight: number;
}

export interface DeploymentPaths {
  readonly root: string;
  readonly cache: string;
}

export interface FunctionHost {
  /** What the workers' sandbox enforces here (network, memory, /tmp), one line each. */
  readonly isolation: readonly string[];
  paths(deploymentId: string): DeploymentPaths;
  dispatch(input: DispatchInput): Promise<DispatchResult>;
  /** Starts a server worker (if none) and sends it a real request. */
  warm(deploymentId: string, request?: { path?: string; host?: string }): Promise<WarmResult>;
  /** Stops the deployment's workers (e.g. before its files are removed). */
  stop(deploymentId: string): Promise<void>;
  workers(deploymentId?: string): WorkerInfo[];
  close(): Promise<void>;
}
