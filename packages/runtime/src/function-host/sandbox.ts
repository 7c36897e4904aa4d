import { existsSync, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";

export interface SpawnPlanInput {
  readonly sandbox: boolean;
  readonly nodePath: string;
  readonly workerScript: string;
  readonly socketPath: string;
  readonly entry: string;
  readonly bundleDir: string;
  readonly deploymentDir: string;
  readonly cacheDir: string;
}

export interface SpawnPlan {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
}

/** Read-only system files a Node process needs; nothing else of the host is visible. */
const SYSTEM_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64"];
const ETC_FILES = ["/etc/ssl", "/etc/ca-certificates", "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf"];
const ETC_MORE = ["/etc/localtime", "/etc/passwd", "/etc/group", "/etc/host.conf", "/etc/gai.conf"];

/**
 * How to start a worker. With bubblewrap the worker sees only the system dirs, its own deployment
 * (read-only), its own cache dir and the socket dir (writable), a private /tmp and the network
 * (apps call APIs); not the platform's data, other deployments or the platform's env. It dies
 * with the host.
 */
export function planWorkerSpawn(input: SpawnPlanInput): SpawnPlan {
  const direct = [input.workerScript, input.socketPath, input.entry];
  if (!input.sandbox) return { command: input.nodePath, args: direct, cwd: input.bundleDir };
  const args = ["--unshare-all", "--share-net", "--die-with-parent", "--new-session"];
  args.push("--ro-bind", "/usr", "/usr");
  for (const dir of SYSTEM_DIRS) args.push(...systemDir(dir));
  for (const file of [...ETC_FILES, ...ETC_MORE]) args.push("--ro-bind-try", file, file);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  // Binds after the tmpfs so paths under /tmp (tests, TMPDIR) stay reachable.
  const nodeDir = path.dirname(input.nodePath);
  if (!nodeDir.startsWith("/usr/")) args.push("--ro-bind", nodeDir, nodeDir);
  const workerDir = path.dirname(input.workerScript);
  args.push("--ro-bind", workerDir, workerDir);
  args.push("--ro-bind", input.deploymentDir, input.deploymentDir);
  args.push("--bind", input.cacheDir, input.cacheDir);
  const socketDir = path.dirname(input.socketPath);
  args.push("--bind", socketDir, socketDir);
  args.push("--chdir", input.bundleDir, "--", input.nodePath, ...direct);
  return { command: "bwrap", args, cwd: input.bundleDir };
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
