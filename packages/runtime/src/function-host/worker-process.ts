import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type Box, type Cgroup, launchBox, launchDirect, type SpareBox } from "@slipway/sandbox";
import type { SpawnPlan } from "./sandbox.ts";
import type { FunctionKind } from "./types.ts";

/** The worker's stdio: fd 3 is its control socket with the host (see worker.mjs). */
export const WORKER_STDIO = ["ignore", "pipe", "pipe", "pipe"] as const;

export interface WorkerStartInput {
  readonly plan: SpawnPlan;
  /** A sandbox started ahead for `plan.argv`, already in `cgroup` (see SpareBox), or null. */
  readonly spare: SpareBox | null;
  readonly env: Record<string, string>;
  readonly socketPath: string;
  readonly deploymentId: string;
  readonly kind: FunctionKind;
  readonly startTimeoutMs: number;
  /** The worker's own cgroup (memory limit), attached before its code runs. */
  readonly cgroup: Cgroup | null;
  /** slirp4netns for an isolated network namespace, or null. */
  readonly slirp: string | null;
  /** Releases what the worker used on the host (forwards, cgroup) once it is gone. */
  readonly cleanup: () => void;
  readonly onLine?: (stream: "stdout" | "stderr", line: string) => void;
}

/** How many of a failed start's last stderr lines its error keeps, and how much of each. */
const STDERR_TAIL_LINES = 5;
const STDERR_LINE_CHARS = 300;
/** After a worker exits, how long its start waits for the rest of its stderr before failing. */
const STDERR_DRAIN_MS = 250;

/**
 * A worker that never got to ready. `stderr` holds its last lines, for the operator's log only:
 * the message is what a visitor's error page may show, and a stack trace can hold secrets.
 */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    readonly stderr: readonly string[],
  ) {
    super(message);
  }
}

/** A worker's start, phase by phase, as the cold-start event reports it. */
export interface ColdStartPhases {
  /**
   * Spawn until the sandbox's namespaces and cgroup were in place and the command released; its
   * network attaches meanwhile (networkAfterStart), overlapping bootMs and importMs.
   */
  readonly sandboxMs: number;
  /** The sandbox was a spare started ahead, its cgroup joined while idle (see SpareBox). */
  readonly spareSandbox: boolean;
  /** Node's own start-up inside the sandbox, until the worker script ran. */
  readonly bootMs: number;
  /** Importing the function's bundle. */
  readonly importMs: number;
  /** V8 compile cache: "enabled", "already_enabled", "failed", "disabled" or "unsupported" (Node < 22.1). */
  readonly compileCache: string;
  /**
   * The bundle's CommonJS modules compiled with code cached after an earlier worker ran them (warm)
   * or without (cold); null where the worker cannot cache them (see worker/code-cache.mjs).
   */
  readonly codeCache: { readonly warm: number; readonly cold: number } | null;
}

/** Why a worker went away, for events and logs. */
export type ExitCause = "crash" | "out-of-memory" | "timeout";

/**
 * One worker process and its keep-alive connections. `inflight` counts requests being served,
 * for least-busy routing and idle detection; `onExit` lets the pool replace a crashed worker and
 * fail its in-flight requests at once instead of waiting for socket errors. A worker retired
 * (a request ran past its timeout) is killed and never picked again.
 */
export class WorkerProcess {
  inflight = 0;
  lastUsed = Date.now();
  exited = false;
  /** Where the cold start went (see ColdStartPhases); zeros until the worker is ready. */
  phases: ColdStartPhases = {
    sandboxMs: 0,
    spareSandbox: false,
    bootMs: 0,
    importMs: 0,
    compileCache: "unsupported",
    codeCache: null,
  };
  retiredFor: "timeout" | null = null;
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private heapExhausted = false;
  private readonly exitListeners = new Set<(code: number | null, signal: string | null, cause: ExitCause) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly socketPath: string,
    readonly deploymentId: string,
    readonly kind: FunctionKind,
    private readonly cgroup: Cgroup | null,
    cleanup: () => void,
  ) {
    child.once("exit", (code, signal) => {
      this.exited = true;
      this.agent.destroy();
      const cause = this.cause();
      cleanup();
      for (const listener of this.exitListeners) listener(code, signal, cause);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  onExit(listener: (code: number | null, signal: string | null, cause: ExitCause) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Kills a worker that can no longer be trusted to answer (still spinning on a timed-out request). */
  retire(reason: "timeout"): void {
    if (this.retiredFor !== null || this.exited) return;
    this.retiredFor = reason;
    this.child.kill("SIGKILL");
  }

  private cause(): ExitCause {
    if (this.retiredFor !== null) return this.retiredFor;
    if (this.heapExhausted || (this.cgroup?.oomKills() ?? 0) > 0) return "out-of-memory";
    return "crash";
  }

  static start(input: WorkerStartInput): Promise<WorkerProcess> {
    const spawnedAt = performance.now();
    const box = launch(input);
    let sandboxMs = 0;
    (box.released ?? box.started).then(
      () => {
        sandboxMs = Math.round(performance.now() - spawnedAt);
      },
      () => {},
    );
    const child = box.child;
    const worker = new WorkerProcess(
      child,
      input.socketPath,
      input.deploymentId,
      input.kind,
      input.cgroup,
      input.cleanup,
    );
    pipeLines(child.stdout, (line) => input.onLine?.("stdout", line));
    const stderrTail: string[] = [];
    pipeLines(child.stderr, (line) => {
      if (line.includes("JavaScript heap out of memory")) worker.heapExhausted = true;
      if (stderrTail.push(line.slice(0, STDERR_LINE_CHARS)) > STDERR_TAIL_LINES) stderrTail.shift();
      input.onLine?.("stderr", line);
    });
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        const message = `worker for ${input.deploymentId} (${input.kind}) did not start: ${reason}`;
        reject(new WorkerStartError(message, [...stderrTail]));
      };
      const timer = setTimeout(() => fail(`no ready signal after ${input.startTimeoutMs} ms`), input.startTimeoutMs);
      box.started.catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
      const control = child.stdio[3] as Readable;
      control.on("error", () => {}); // reset when the worker dies: its exit is what counts
      createInterface({ input: control }).once("line", (line) => {
        const message = safeParse(line);
        if (message?.ready !== true) return fail(String(message?.error ?? line));
        // The network may still be attaching (networkAfterStart): no request before it is up.
        box.started.then(
          () => {
            clearTimeout(timer);
            worker.phases = {
              sandboxMs,
              spareSandbox: input.spare !== null,
              bootMs: Number(message.bootMs ?? 0),
              importMs: Number(message.importMs ?? 0),
              compileCache: String(message.compileCache ?? "unsupported"),
              codeCache: codeCacheOf(message.codeCache),
            };
            resolve(worker);
          },
          () => {}, // failed above
        );
      });
      child.once("exit", (code, signal) => {
        // Why it exited is usually its last words on stderr, which may still be in the pipe.
        const drained = child.stderr ? once(child.stderr, "close").catch(() => {}) : Promise.resolve();
        const waited = new Promise((resolve) => setTimeout(resolve, STDERR_DRAIN_MS).unref());
        Promise.race([drained, waited]).then(() => fail(`exited with ${signal ?? code}`));
      });
      child.once("error", (error) => fail(error.message));
    });
  }

  /**
   * Closes the control socket, on which the worker exits through Node's exit path (so the compile
   * cache is written); SIGKILL if it lingers. Not SIGTERM: it would reach bubblewrap, whose death
   * SIGKILLs the worker before Node can write anything.
   */
  stop(graceMs = 2_000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      this.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      const control = this.child.stdio[3] as Writable | null;
      if (control && !control.destroyed) control.end();
      else this.child.kill("SIGTERM");
    });
  }
}

/** bubblewrap with its cgroup and network in place before the worker runs, or a plain process. */
function launch(input: WorkerStartInput): Box {
  const { plan } = input;
  if (plan.bwrapArgs !== null) {
    return launchBox(
      {
        bwrap: "bwrap",
        bwrapArgs: plan.bwrapArgs,
        argv: plan.argv,
        cwd: plan.cwd,
        env: input.env,
        stdio: [...WORKER_STDIO],
        cgroup: input.cgroup,
        slirp: input.slirp,
        // Node's boot and the bundle's import overlap slirp4netns attaching; requests wait for both.
        networkAfterStart: true,
      },
      input.spare ?? undefined,
    );
  }
  return launchDirect({
    argv: plan.argv,
    cwd: plan.cwd,
    env: input.env,
    stdio: [...WORKER_STDIO],
    cgroup: input.cgroup,
  });
}

function pipeLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream }).on("line", onLine);
}

function codeCacheOf(value: unknown): ColdStartPhases["codeCache"] {
  if (typeof value !== "object" || value === null) return null;
  const { warm, cold } = value as Record<string, unknown>;
  return { warm: Number(warm) || 0, cold: Number(cold) || 0 };
}

function safeParse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
