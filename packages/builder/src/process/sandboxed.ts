import path from "node:path";
import type { BuildContext } from "../context.ts";
import { BuildFailure, explainFailure } from "../failure.ts";
import { run } from "./run.ts";

/** The Node install the platform runs on (bin/node, lib/node_modules/npm); /usr is bound anyway. */
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
 * Runs a user-controlled command (install, build) in the sandbox and turns a non-zero exit into a
 * BuildFailure whose reason quotes the most telling output line.
 */
export async function runSandboxed(ctx: BuildContext, spec: SandboxedCommand): Promise<void> {
  const argv = "argv" in spec.command ? spec.command.argv : ["/bin/sh", "-c", spec.command.shell];
  const wrapped = ctx.sandbox.wrap(argv, {
    // Not the cached node_modules or .next/cache: the build never sees the saved copies.
    writable: [ctx.dirs.work, ctx.dirs.pmCache],
    readOnly: [NODE_PREFIX, ...(spec.readOnly ?? []), ...ctx.options.readOnlyPaths].filter(
      (dir) => !isInside(dir, ctx.dirs.work) && !isInside(dir, "/usr"),
    ),
    cwd: spec.cwd,
  });
  ctx.log.clearTail();
  const outcome = await run({
    argv: wrapped,
    cwd: spec.cwd,
    env: spec.env,
    log: ctx.log,
    signal: ctx.signal,
    onLine: spec.onLine,
  });
  switch (outcome.kind) {
    case "exited":
      if (outcome.code === 0) return;
      throw new BuildFailure(withDetail(`${spec.what} failed (exit ${outcome.code})`, explainFailure(ctx.log.tail())));
    case "killed":
      throw new BuildFailure(`${spec.what} was killed by ${outcome.signal} (out of memory?)`);
    case "spawn-failed":
      throw new BuildFailure(`${spec.what} could not start: ${outcome.message}`);
    case "aborted":
      // The entry point reports cancellation or the timeout from ctx.abortCause().
      throw new BuildFailure("aborted");
  }
}

function withDetail(head: string, detail: string | null): string {
  return detail ? `${head}: ${detail}` : head;
}

function isInside(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
