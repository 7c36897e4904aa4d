import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { SpawnPlan } from "./sandbox.ts";
import type { FunctionKind } from "./types.ts";

export interface WorkerStartInput {
  readonly plan: SpawnPlan;
  readonly env: Record<string, string>;
  readonly socketPath: string;
  readonly deploymentId: string;
  readonly kind: FunctionKind;
  readonly startTimeoutMs: number;
  readonly onLine?: (stream: "stdout" | "stderr", line: string) => void;
}

/**
 * One worker process and its keep-alive connections. `inflight` counts requests being served,
 * for least-busy routing and idle detection; `onExit` lets the pool replace a crashed worker and
 * fail its in-flight requests at once instead of waiting for socket errors.
 */
export class WorkerProcess {
  inflight = 0;
  lastUsed = Date.now();
  exited = false;
  importMs = 0;
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly exitListeners = new Set<(code: number | null, signal: string | null) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly socketPath: string,
    readonly deploymentId: string,
    readonly kind: FunctionKind,
  ) {
    child.once("exit", (code, signal) => {
      this.exited = true;
      this.agent.destroy();
      for (const listener of this.exitListeners) listener(code, signal);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  onExit(listener: (code: number | null, signal: string | null) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  static start(input: WorkerStartInput): Promise<WorkerProcess> {
    const child = spawn(input.plan.command, input.plan.args, {
      cwd: input.plan.cwd,
      env: input.env,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const worker = new WorkerProcess(child, input.socketPath, input.deploymentId, input.kind);
    pipeLines(child.stdout, (line) => input.onLine?.("stdout", line));
    pipeLines(child.stderr, (line) => input.onLine?.("stderr", line));
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`worker for ${input.deploymentId} (${input.kind}) did not start: ${reason}`));
      };
      const timer = setTimeout(() => fail(`no ready signal after ${input.startTimeoutMs} ms`), input.startTimeoutMs);
      const control = child.stdio[3] as Readable;
      createInterface({ input: control }).once("line", (line) => {
        const message = safeParse(line);
        if (message?.ready !== true) return fail(String(message?.error ?? line));
        clearTimeout(timer);
        worker.importMs = Number(message.importMs ?? 0);
        resolve(worker);
      });
      child.once("exit", (code, signal) => fail(`exited with ${signal ?? code}`));
      child.once("error", (error) => fail(error.message));
    });
  }

  /** SIGTERM, then SIGKILL if it lingers: in-flight work had its chance. */
  stop(graceMs = 2_000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      this.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }
}

function pipeLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream }).on("line", onLine);
}

function safeParse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
