import path from "node:path";
import type { BuildContext } from "../context.ts";
import { BuildFailure, explainFailure, type NumberedLine } from "../failure.ts";
import { DISK_CHECK_INTERVAL_MS } from "../limits.ts";
import { watchDiskUsage } from "./disk-watch.ts";
import { type RunOutcome, run } from "./run.ts";

/**
 * The Node install the platform runs on (its npm, which runs on the build's Node from PATH);
 * /usr is bound anyway. The build's own Node (`ctx.node`) is bound beside it.
 */
const NODE_PREFIX = path.dirname(path.dirname(process.execPath));

export interface SandboxedCommand {
  /** argv, or a shell line for commands the project configured itself. */
  command: { argv: string[] } | { shell: string };
  cwd: string;
  env: Record<string, string>;
  /** Names the step in the failure reason: "npm ci failed (exit 1): ...". */
  what: string;
  /** Extra read-only folders for this command (Slipway's node_modules, the OpenNext config). */
  readOnly?: string[];
  onLine?: (line: string) => void;
}

/**
 * Runs a user-controlled command (install, build) in the sandbox, within the build's limits, and
 * turns a non-zero exit into a BuildFailure whose reason names the limit that was hit, or else
 * quotes the most telling output line.
 */
export async function runSandboxed(ctx: BuildContext, spec: SandboxedCommand): Promise<void> {
  const argv = "argv" in spec.command ? spec.command.argv : ["/bin/sh", "-c", spec.command.shell];
  const mounts = {
    // Not the cached node_modules or .next/cache: the build never sees the saved copies.
    writable: [ctx.dirs.work, ctx.dirs.pmCache],
    readOnly: [
      NODE_PREFIX,
      ...(ctx.node ? [ctx.node.prefix] : []),
      ...(spec.readOnly ?? []),
      ...ctx.options.readOnlyPaths,
    ].filter((dir) => !isInside(dir, ctx.dirs.work) && !isInside(dir, "/usr")),
    tmp: ctx.dirs.tmp,
    cwd: spec.cwd,
  };
  const { limits } = ctx.options;
  const before = { oom: ctx.cgroup?.oomKills() ?? 0, pids: ctx.cgroup?.pidsRefused() ?? 0 };
  const overDisk = new AbortController();
  const stopWatching = watchDiskUsage(ctx.dirs.work, limits.diskMb * 1024 * 1024, DISK_CHECK_INTERVAL_MS, () =>
    overDisk.abort(),
  );
  const runOnce = () => {
    ctx.log.clearTail();
    return run({
      argv,
      cwd: spec.cwd,
      env: spec.env,
      log: ctx.log,
      signal: AbortSignal.any([ctx.signal, overDisk.signal]),
      onLine: spec.onLine,
      launch: () => ctx.sandbox.start({ argv, mounts, env: spec.env, cgroup: ctx.cgroup }),
    });
  };
  let outcome: RunOutcome;
  try {
    outcome = await runOnce();
    const setupFailure = sandboxSetupFailure(outcome, ctx.log.stepOutput());
    if (setupFailure !== null) {
      // bwrap itself failed while setting the box up, before the command ran: seen once in CI as
      // "bwrap: loopback: Failed RTM_NEWADDR" on a netlink reply. Not the build's fault: once more.
      ctx.log.system(`⚠ the sandbox could not be set up (${setupFailure}): trying once more`);
      outcome = await runOnce();
    }
  } finally {
    stopWatching();
  }

  if (outcome.kind === "exited" && outcome.code === 0) return;
  // A limit explains the failure better than whatever the dying process printed last.
  if (outcome.kind !== "aborted" || overDisk.signal.aborted) {
    if ((ctx.cgroup?.oomKills() ?? 0) > before.oom) throw new BuildFailure(limitReason("memory", limits.memoryMb));
    if ((ctx.cgroup?.pidsRefused() ?? 0) > before.pids)
      throw new BuildFailure(limitReason("process", limits.processes));
    const fileTooBig = outcome.kind === "killed" && outcome.signal === "SIGXFSZ";
    if (overDisk.signal.aborted || fileTooBig || /File size limit exceeded/.test(ctx.log.tail().join("\n"))) {
      throw new BuildFailure(limitReason("disk", limits.diskMb));
    }
  }
  switch (outcome.kind) {
    case "exited":
      throw new BuildFailure(
        withDetail(`${spec.what} failed (exit ${outcome.code})`, explainFailure(ctx.log.stepOutput())),
      );
    case "killed":
      throw new BuildFailure(`${spec.what} was killed by ${outcome.signal}`);
    case "spawn-failed":
      // bwrap says why it gave up (a missing folder, a refused mount) in its last line.
      throw new BuildFailure(
        withDetail(`${spec.what} could not start: ${outcome.message}`, ctx.log.tail().at(-1) ?? null),
      );
    case "aborted":
      // The entry point reports cancellation or the timeout from ctx.abortCause().
      throw new BuildFailure("aborted");
  }
}

/**
 * bwrap's own message when the box failed to come up: the command's exit status 1 with bwrap's
 * lines as the only output. Null for anything else (a command that ran and failed).
 */
export function sandboxSetupFailure(outcome: RunOutcome, output: readonly NumberedLine[]): string | null {
  if (outcome.kind !== "exited" || outcome.code !== 1 || output.length === 0) return null;
  return output.every((line) => line.text.startsWith("bwrap: ")) ? (output.at(-1)?.text ?? null) : null;
}

/** The one wording of a limit failure, in the reason and (through it) in the build log. */
export function limitReason(limit: "memory" | "process" | "disk", value: number): string {
  switch (limit) {
    case "memory":
      return `build exceeded its memory limit of ${value} MB`;
    case "process":
      return `build exceeded its process limit of ${value} processes and threads`;
    case "disk":
      return `build exceeded its disk limit of ${value} MB (work dir)`;
  }
}

function withDetail(head: string, detail: string | null): string {
  return detail ? `${head}: ${detail}` : head;
}

function isInside(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
