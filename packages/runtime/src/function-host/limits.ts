import os from "node:os";

/** What one worker may use. Defined here only; the platform overrides them from its config. */
export interface WorkerLimits {
  /**
   * Memory of the worker process in MB, as Lambda's MemorySize: a cgroup limit where the host
   * delegates one, and V8's old-space limit at 3/4 of it so a JS heap leak fails as a heap error
   * before the kernel kills the process.
   */
  readonly memoryMb: number;
  /** The worker's private /tmp (tmpfs; Lambda gives 512 MB of /tmp by default, on disk). */
  readonly tmpMb: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = { memoryMb: 1024, tmpMb: 128 };

/** Scale to zero: a deployment's workers stop after this long without requests. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/**
 * Worker processes per deployment under load (each up to DEFAULT_WORKER_LIMITS.memoryMb): one per
 * core, as `next start` would need one process per core to use them. SSR is CPU-bound, so more
 * workers than cores only adds switches; fewer leaves cores idle while requests queue. Workers
 * past the first start only when every worker is busy, and idle ones are reaped.
 */
export const DEFAULT_MAX_WORKERS_PER_DEPLOYMENT = Math.max(1, os.availableParallelism());

export function heapLimitMb(limits: WorkerLimits): number {
  return Math.max(64, Math.floor((limits.memoryMb * 3) / 4));
}
