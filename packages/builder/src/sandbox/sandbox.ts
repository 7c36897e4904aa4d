import { execFileSync } from "node:child_process";
import { bwrapArgs, type SandboxMounts } from "./bwrap-args.ts";

export type SandboxMode = "auto" | "bwrap" | "none";

export interface ResourceLimits {
  /** Max processes (RLIMIT_NPROC). Not enforced for root: the kernel exempts it. */
  nproc?: number;
  /** Max open files (RLIMIT_NOFILE). */
  nofile?: number;
}

export interface Sandbox {
  readonly kind: "bwrap" | "none";
  /** Prefixes argv so it runs inside the sandbox with the given mounts and limits. */
  wrap(argv: string[], mounts: SandboxMounts): string[];
}

/**
 * Resolves the sandbox once per build. "auto" uses bubblewrap when it works here and otherwise
 * runs unsandboxed (the caller logs a warning); "bwrap" insists on it.
 */
export function resolveSandbox(mode: SandboxMode, limits: ResourceLimits, bwrapPath = "bwrap"): Sandbox {
  const prefix = limitPrefix(limits);
  if (mode === "none") return { kind: "none", wrap: (argv) => [...prefix, ...argv] };
  if (!bwrapWorks(bwrapPath)) {
    if (mode === "bwrap") throw new Error(`sandbox "bwrap" requested but ${bwrapPath} cannot run here`);
    return { kind: "none", wrap: (argv) => [...prefix, ...argv] };
  }
  // prlimit goes inside bwrap so the limits apply to the build, not to bwrap's setup.
  return { kind: "bwrap", wrap: (argv, mounts) => [bwrapPath, ...bwrapArgs(mounts), ...prefix, ...argv] };
}

function limitPrefix(limits: ResourceLimits): string[] {
  const flags: string[] = [];
  if (limits.nproc !== undefined) flags.push(`--nproc=${limits.nproc}`);
  if (limits.nofile !== undefined) flags.push(`--nofile=${limits.nofile}`);
  return flags.length > 0 ? ["prlimit", ...flags, "--"] : [];
}

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";
const probed = new Map<string, boolean>();

/** True when bubblewrap runs here with every namespace (user, net, …) it unshares; probed once per path. */
export function bwrapWorks(bwrapPath = "bwrap"): boolean {
  let ok = probed.get(bwrapPath);
  if (ok === undefined) {
    try {
      // Present is not enough: containers often forbid the namespaces bwrap needs.
      execFileSync(bwrapPath, ["--unshare-all", "--ro-bind", "/", "/", "true"], {
        stdio: "ignore",
        env: { PATH: SYSTEM_PATH },
      });
      ok = true;
    } catch {
      ok = false;
    }
    probed.set(bwrapPath, ok);
  }
  return ok;
}
