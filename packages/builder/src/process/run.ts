import { spawn } from "node:child_process";
import type { Box } from "@slipway/sandbox";
import type { BuildLog } from "../log/build-log.ts";
import { createLineSplitter } from "../log/line-splitter.ts";

export interface RunSpec {
  /** argv[0] and its arguments: never joined into a shell string. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  log: BuildLog;
  /** Aborting kills the whole process group; the reason (timeout or cancel) is the caller's. */
  signal: AbortSignal;
  /** Sees every output line (already masked) before it is logged. */
  onLine?: (line: string) => void;
  /**
   * Starts the process instead of spawning argv directly (the sandbox's launcher). It must put the
   * child in its own process group with stdout and stderr piped.
   */
  launch?: () => Box;
}

export type RunOutcome =
  | { kind: "exited"; code: number }
  | { kind: "killed"; signal: string }
  | { kind: "aborted" }
  | { kind: "spawn-failed"; message: string };

/**
 * Runs one process in its own process group, streaming its output line by line into the log.
 * `detached` makes the child a group leader, so killing `-pid` also reaches npm's and next's
 * grandchildren instead of leaving them building in the background.
 */
export function run(spec: RunSpec): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const [command, ...args] = spec.argv;
    if (command === undefined) throw new Error("run: empty argv");
    if (spec.signal.aborted) return resolve({ kind: "aborted" });

    const box: Box = spec.launch?.() ?? {
      child: spawn(command, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["ignore", "pipe", "pipe"] }),
      started: Promise.resolve(),
    };
    const child = box.child;

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => killGroup();
    spec.signal.addEventListener("abort", onAbort, { once: true });

    const pipe = (stream: "stdout" | "stderr") => {
      const splitter = createLineSplitter((line) => {
        spec.onLine?.(line);
        spec.log.output(stream, line);
      });
      child[stream]?.on("data", (chunk: Buffer) => splitter.push(chunk));
      child[stream]?.on("end", () => splitter.end());
    };
    pipe("stdout");
    pipe("stderr");

    let spawnError: string | null = null;
    child.on("error", (error) => {
      spawnError = error.message;
    });
    box.started.catch((error: unknown) => {
      spawnError ??= error instanceof Error ? error.message : String(error);
      killGroup();
    });
    child.on("close", (code, signal) => {
      spec.signal.removeEventListener("abort", onAbort);
      // A grandchild may still hold the group after the leader exits; make sure nothing lingers.
      killGroup();
      if (spec.signal.aborted) return resolve({ kind: "aborted" });
      if (spawnError !== null) return resolve({ kind: "spawn-failed", message: spawnError });
      if (signal !== null) return resolve({ kind: "killed", signal });
      resolve({ kind: "exited", code: code ?? 1 });
    });
  });
}
