import { existsSync, lstatSync, readlinkSync } from "node:fs";

/** What differs between boxes (a build, a function worker): their own folders. */
export interface SandboxMounts {
  /** Folders the box may write, e.g. a build's work dir and cache, a worker's cache and socket dir. */
  writable: readonly string[];
  /** Extra read-only folders at their own paths: Slipway's node_modules, Node, a deployment's files. */
  readOnly: readonly string[];
  /**
   * A host folder bound writable at BOX_TMPDIR, the box's TMPDIR: a temp folder whose parents hold
   * no package.json or node_modules (npm, run in a fresh temp folder, walks up to the nearest one
   * and would try to install into the read-only Slipway checkout a data dir may sit in).
   */
  tmp?: string;
  cwd: string;
}

/** Where `SandboxMounts.tmp` appears inside the box. */
export const BOX_TMPDIR = "/var/tmp";

export interface SandboxNetwork {
  /** Own network namespace (outbound through slirp4netns) instead of the host's. */
  isolated: boolean;
  /** resolv.conf naming slirp's DNS, bound over /etc/resolv.conf when isolated. */
  resolvConf: string | null;
}

export interface BwrapOptions {
  /** Size cap of the private /tmp, for a bwrap that supports `--size` (else memory accounting bounds it). */
  tmpBytes?: number | null;
}

// The system folders a box needs to run node, npm, git and sh. On merged-/usr systems /bin, /lib,
// /lib64 and /sbin are symlinks into /usr and are recreated as symlinks, not bound.
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"];

// A minimal /etc: name resolution, TLS roots, user names (npm and git look them up), time zone.
// Notably absent: everything else in /etc, the platform's data dir and $HOME.
const ETC_FILES = [
  "/etc/hosts",
  "/etc/host.conf",
  "/etc/gai.conf",
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
 * The bubblewrap arguments of every Slipway sandbox (builds and function workers), without `--`
 * and the command (the launcher adds its control fds first): every namespace unshared (the
 * network too when isolated), the system read-only, a minimal /etc, a private /tmp, then the
 * box's own folders. Pure apart from lstat.
 */
export function bwrapArgs(mounts: SandboxMounts, network: SandboxNetwork, options: BwrapOptions = {}): string[] {
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
  args.push("--proc", "/proc", "--dev", "/dev");
  if (options.tmpBytes != null) args.push("--size", String(options.tmpBytes));
  // /tmp before the binds: later binds below /tmp (a work dir under os.tmpdir()) are mounted on top of it.
  args.push("--tmpfs", "/tmp");
  for (const dir of mounts.readOnly) args.push("--ro-bind", dir, dir);
  for (const dir of mounts.writable) args.push("--bind", dir, dir);
  if (mounts.tmp !== undefined) args.push("--bind", mounts.tmp, BOX_TMPDIR);
  args.push("--chdir", mounts.cwd);
  return args;
}
