import { existsSync, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";

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
  readonly argv: string[];
  readonly cwd: string;
}

/** Read-only system files a Node process needs; nothing else of the host is visible. */
const SYSTEM_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64"];
const ETC_FILES = ["/etc/ssl", "/etc/ca-certificates", "/etc/hosts", "/etc/nsswitch.conf"];
const ETC_MORE = ["/etc/localtime", "/etc/passwd", "/etc/group", "/etc/host.conf", "/etc/gai.conf"];

/**
 * How to start a worker. With bubblewrap the worker sees only the system dirs, its own deployment
 * (read-only), its own cache dir and the socket dir (writable), a private size-capped /tmp and
 * its own network namespace (apps call APIs: outbound through slirp4netns, without the host's
 * loopback); not the platform's data, other deployments, the platform's env or the admin API.
 * It dies with the host.
 */
export function planWorkerSpawn(input: SpawnPlanInput): SpawnPlan {
  const forwardArg = input.forwards.length > 0 ? [input.forwards.join(",")] : [];
  const argv = [input.nodePath, ...input.nodeFlags, input.workerScript, input.socketPath, input.entry, ...forwardArg];
  if (!input.sandbox) return { bwrapArgs: null, argv, cwd: input.bundleDir };
  const args = [
    "--unshare-all",
    ...(input.isolatedNetwork ? [] : ["--share-net"]),
    "--die-with-parent",
    "--new-session",
  ];
  args.push("--ro-bind", "/usr", "/usr");
  for (const dir of SYSTEM_DIRS) args.push(...systemDir(dir));
  for (const file of [...ETC_FILES, ...ETC_MORE]) args.push("--ro-bind-try", file, file);
  if (input.isolatedNetwork) args.push("--ro-bind", input.isolatedNetwork.resolvConf, "/etc/resolv.conf");
  else args.push("--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf");
  args.push("--proc", "/proc", "--dev", "/dev");
  if (input.tmpBytes !== null) args.push("--size", String(input.tmpBytes));
  args.push("--tmpfs", "/tmp");
  // Binds after the tmpfs so paths under /tmp (tests, TMPDIR) stay reachable.
  const nodeDir = path.dirname(input.nodePath);
  if (!nodeDir.startsWith("/usr/")) args.push("--ro-bind", nodeDir, nodeDir);
  const workerDir = path.dirname(input.workerScript);
  args.push("--ro-bind", workerDir, workerDir);
  args.push("--ro-bind", input.deploymentDir, input.deploymentDir);
  args.push("--bind", input.cacheDir, input.cacheDir);
  const socketDir = path.dirname(input.socketPath);
  args.push("--bind", socketDir, socketDir);
  args.push("--chdir", input.bundleDir);
  return { bwrapArgs: args, argv, cwd: input.bundleDir };
}

/** Merged-/usr systems have /lib → usr/lib symlinks: recreate the link rather than bind it. */
function systemDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return ["--symlink", readlinkSync(dir), dir];
  return ["--ro-bind", dir, dir];
}

/** True when `bwrap` is on one of the PATH entries. */
export function bwrapAvailable(searchPath: string): boolean {
  return searchPath.split(":").some((dir) => dir !== "" && existsSync(path.join(dir, "bwrap")));
}
