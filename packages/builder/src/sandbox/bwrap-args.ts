import { existsSync, lstatSync, readlinkSync } from "node:fs";

export interface SandboxMounts {
  /** Folders the build may write: the build's work dir and the project's cache dir. */
  writable: string[];
  /** Extra read-only folders at their own paths: Slipway's node_modules, the OpenNext config, Node. */
  readOnly: string[];
  cwd: string;
}

export interface SandboxNetwork {
  /** Own network namespace (outbound through slirp4netns) instead of the host's. */
  isolated: boolean;
  /** resolv.conf naming slirp's DNS, bound over /etc/resolv.conf when isolated. */
  resolvConf: string | null;
}

// The system folders a build needs to run node, npm, git and sh. On merged-/usr systems /bin, /lib,
// /lib64 and /sbin are symlinks into /usr and are recreated as symlinks, not bound.
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"];

// A minimal /etc: name resolution, TLS roots, user names (npm and git look them up), time zone.
// Notably absent: everything else in /etc, the platform's data dir and $HOME.
const ETC_FILES = [
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/passwd",
  "/etc/group",
  "/etc/localtime",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/etc/alternatives",
];

/**
 * The bubblewrap arguments of the build sandbox, without `--` and the command (the launcher adds
 * its control fds first). Pure apart from lstat.
 */
export function bwrapArgs(mounts: SandboxMounts, network: SandboxNetwork): string[] {
  const args = ["--unshare-all", ...(network.isolated ? [] : ["--share-net"]), "--die-with-parent", "--new-session"];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else args.push("--ro-bind", dir, dir);
  }
  for (const file of ETC_FILES) args.push("--ro-bind-try", file, file);
  if (network.isolated && network.resolvConf !== null) args.push("--ro-bind", network.resolvConf, "/etc/resolv.conf");
  else args.push("--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf");
  // /tmp first: later binds below /tmp (a work dir under os.tmpdir()) are mounted on top of it.
  args.push("--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev");
  for (const dir of mounts.readOnly) args.push("--ro-bind", dir, dir);
  for (const dir of mounts.writable) args.push("--bind", dir, dir);
  args.push("--chdir", mounts.cwd);
  return args;
}
