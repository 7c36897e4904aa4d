import type { FunctionHostEvent, FunctionKind } from "./types.ts";
import type { ExitCause, WorkerProcess } from "./worker-process.ts";

export interface PoolOptions {
  readonly deploymentId: string;
  readonly kind: FunctionKind;
  readonly maxWorkers: number;
  readonly idleTimeoutMs: number;
  readonly startWorker: () => Promise<WorkerProcess>;
  readonly onEvent: (event: FunctionHostEvent) => void;
}

/**
 * The workers of one function of one deployment. Starts on demand, routes each request to the
 * least busy worker, adds a worker (up to `maxWorkers`) when every worker is busy, replaces a
 * crashed or retired one (a retired worker is never picked, even before it is gone), and stops workers idle longer than `idleTimeoutMs` (scale to zero).
 */
export class Pool {
  readonly workers: WorkerProcess[] = [];
  private starting = 0;
  private waiting: Promise<WorkerProcess> | null = null;
  private closed = false;
  private readonly idleTimer: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {
    const every = Math.max(50, Math.min(options.idleTimeoutMs / 4, 10_000));
    this.idleTimer = setInterval(() => this.reapIdle(), every);
    this.idleTimer.unref();
  }

  get size(): number {
    return this.workers.length;
  }

  /** A worker for one request; `coldStart` when the request had to wait for a process to start. */
  async acquire(): Promise<{ worker: WorkerProcess; coldStart: boolean }> {
    const best = this.leastBusy();
    if (best) {
      if (best.inflight > 0 && this.workers.length + this.starting < this.options.maxWorkers) {
        // Busy everywhere: grow in the background; this request takes the least busy one now
        // (a warm worker answers in ms, a new one needs ~300 ms to start).
        this.grow().catch(() => {});
      }
      return { worker: best, coldStart: false };
    }
    // No worker at all: every waiting request shares one start.
    this.waiting ??= this.grow().finally(() => {
      this.waiting = null;
    });
    return { worker: await this.waiting, coldStart: true };
  }

  async stopAll(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    const workers = this.workers.splice(0);
    await Promise.all(
      workers.map((w) => {
        this.options.onEvent({ ...this.ids(), type: "scale-down", pid: w.pid, reason: "stop" });
        return w.stop();
      }),
    );
  }

  private leastBusy(): WorkerProcess | undefined {
    let best: WorkerProcess | undefined;
    for (const w of this.workers) {
      if (!w.exited && w.retiredFor === null && (!best || w.inflight < best.inflight)) best = w;
    }
    return best;
  }

  private async grow(): Promise<WorkerProcess> {
    this.starting++;
    try {
      const worker = await this.options.startWorker();
      if (this.closed) {
        await worker.stop();
        throw new Error(`deployment ${this.options.deploymentId} was stopped`);
      }
      this.workers.push(worker);
      worker.onExit((code, signal, cause) => this.onWorkerExit(worker, code, signal, cause));
      if (this.workers.length > 1)
        this.options.onEvent({ ...this.ids(), type: "scale-up", workers: this.workers.length });
      return worker;
    } finally {
      this.starting--;
    }
  }

  private onWorkerExit(worker: WorkerProcess, code: number | null, signal: string | null, cause: ExitCause): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return; // stopped on purpose: already removed
    this.workers.splice(index, 1);
    const { pid, inflight } = worker;
    if (cause === "timeout") this.options.onEvent({ ...this.ids(), type: "recycle", pid, reason: cause, inflight });
    else this.options.onEvent({ ...this.ids(), type: "crash", pid, code, signal, inflight, cause });
    // Replace it so the next request does not pay a cold start; idle reaping still applies.
    if (!this.closed && this.workers.length === 0) this.grow().catch(() => {});
  }

  private reapIdle(): void {
    const now = Date.now();
    for (const w of [...this.workers]) {
      if (w.inflight === 0 && now - w.lastUsed >= this.options.idleTimeoutMs) {
        this.workers.splice(this.workers.indexOf(w), 1);
        this.options.onEvent({ ...this.ids(), type: "scale-down", pid: w.pid, reason: "idle" });
        w.stop().catch(() => {});
      }
    }
  }

  private ids(): { deploymentId: string; kind: FunctionKind } {
    return { deploymentId: this.options.deploymentId, kind: this.options.kind };
  }
}
