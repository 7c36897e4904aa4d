import { existsSync } from "node:fs";
import path from "node:path";
import { bwrapArgs } from "@slipway/sandbox";

export interface SpawnPlanInput {
  readonly sandbox: boolean;
  readonly nodePath: string;
  /** Node flags before the script, e.g. the heap limit. */
  readonly nodeFlags: readonly string[];
  readonly workerScript: string;
  readonly socketPath: string;
  readonly entry: string;
  /** `port=unix-socket` pairs the worker listens on at 127.0.0.1 inside its network namespace. */
  readonly forwards: readonly string[];
  readonly bundleDir: string;
  readonly deploymentDir: string;
  readonly cacheDir: string;
  /** Own network namespace (slirp4netns attaches to it) and this resolv.conf; null: the host's network. */
  readonly isolatedNetwork: { readonly resolvConf: string } | null;
  /** Size cap of the private /tmp, when bwrap supports `--size`; else memory accounting bounds it. */
  readonly tmpBytes: number | null;
}

export interface SpawnPlan {
  /** bubblewrap's arguments (without `--` and the command), or null to run the command directly. */
  readonly bwrapArgs: string[] | null;
  /** The same for every worker on one Node.js: a spare sandbox started for it can take any of them. */
  readonly argv: string[];
  /** What this worker serves, as worker.mjs reads it (see WORKER_ENV). */
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/** The worker's own arguments, passed in its environment so that its command line is generic. */
export const WORKER_ENV = {
  socket: "SLIPWAY_WORKER_SOCKET",
  entry: "SLIPWAY_WORKER_ENTRY",
  forwards: "SLIPWAY_WORKER_FORWARDS",
} as const;

/**
 * How to start a worker. With bubblewrap (the box every Slipway sandbox shares, see
 * `@slipway/sandbox`'s bwrapArgs) the worker sees only the system, its own deployment
 * (read-only), its own cache dir and the socket dir (writable), a private size-capped /tmp and
 * its own network namespace (apps call APIs: outbound through slirp4netns, without the host's
 * loopback); not the platform's data, other deployments, the platform's env or the admin API.
 * It dies with the host.
 */
export function planWorkerSpawn(input: SpawnPlanInput): SpawnPlan {
  const argv = [input.nodePath, ...input.nodeFlags, input.workerScript];
  const env = {
    [WORKER_ENV.socket]: input.socketPath,
    [WORKER_ENV.entry]: input.entry,
    [WORKER_ENV.forwards]: input.forwards.join(","),
  };
  if (!input.sandbox) return { bwrapArgs: null, argv, env, cwd: input.bundleDir };
  const nodeDir = path.dirname(input.nodePath);
  const readOnly = [
    // Node under /usr is bound with the system already.
    ...(nodeDir.startsWith("/usr/") ? [] : [nodeDir]),
    path.dirname(input.workerScript),
    input.deploymentDir,
  ];
  const args = bwrapArgs(
    { readOnly, writable: [input.cacheDir, path.dirname(input.socketPath)], cwd: input.bundleDir },
    { isolated: input.isolatedNetwork !== null, resolvConf: input.isolatedNetwork?.resolvConf ?? null },
    { tmpBytes: input.tmpBytes },
  );
  return { bwrapArgs: args, argv, env, cwd: input.bundleDir };
}

/** True when `bwrap` is on one of the PATH entries. */
export function bwrapAvailable(searchPath: string): boolean {
  return searchPath.split(":").some((dir) => dir !== "" && existsSync(path.join(dir, "bwrap")));
}
