import os from "node:os";

/** What one worker may use. Defined here only; the platform overrides them from its config. */
export interface WorkerLimits {
  /**
   * Memory of the worker process in MB, as Lambda's MemorySize: a cgroup limit where the host
   * delegates one (the kernel kills a worker past it, reported out-of-memory; V8's heap there is
   * sized from the machine, see `heapFlags`), else V8's old-space limit at 3/4 of it (a JS heap
   * leak then fails as a heap error).
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

function heapLimitMb(limits: WorkerLimits): number {
  return Math.max(64, Math.floor((limits.memoryMb * 3) / 4));
}

/**
 * The worker's Node flags for its heap. Inside a memory cgroup none: the cgroup holds the limit (a
 * worker past it is killed and reported out-of-memory). Node cannot read that limit inside the
 * sandbox (own cgroup namespace, no /sys), so V8 sizes its heap from the machine and collects
 * lazily; binding the limit where Node reads it gave V8 half of it and cost ~20 % of SSR throughput
 * (bench/serve's /ssr, measured 2026-12-01), so it is not done. Any V8 flag changes V8's flag hash, and
 * Node's built-in modules then compile from source instead of from the code cache shipped in its
 * binary: `--max-old-space-size` alone cost ~35 ms of every cold start (boot 64 → 39 ms measured,
 * `bench/cold-start.ts`). Without a cgroup the flag is the only limit, so it stays.
 */
export function heapFlags(limits: WorkerLimits, inMemoryCgroup: boolean): string[] {
  return inMemoryCgroup ? [] : [`--max-old-space-size=${heapLimitMb(limits)}`];
}
