import type { Job, Queue } from "@slipway/core";

export interface JobRunnerOptions {
  queue: Queue;
  handle(job: Job): Promise<void>;
  /** Jobs run at once; builds need most of a 2-core box, so 1 by default. */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  log(line: string): void;
}

/**
 * Pulls jobs and runs them, keeping each lease alive while it runs. A job that throws is retried
 * later; one whose process dies is handed out again when its lease runs out (or at the next start).
 */
export function startJobRunner(options: JobRunnerOptions) {
  const { queue, handle, concurrency = 1, leaseMs = 60_000, pollMs = 250, log } = options;
  let stopping = false;
  // One per idle loop: a stop must wake every loop, or one sleeping on an unref'd timer never ends.
  const wakers = new Set<() => void>();

  const loop = async () => {
    while (!stopping) {
      const job = await queue.claim(leaseMs).catch((error) => {
        log(`queue claim failed: ${(error as Error).message}`);
        return null;
      });
      if (!job) {
        let waker = () => {};
        await new Promise<void>((resolve) => {
          waker = resolve;
          wakers.add(resolve);
          setTimeout(resolve, pollMs).unref();
        });
        wakers.delete(waker);
        continue;
      }
      const keepAlive = setInterval(() => void queue.extend(job.receipt, leaseMs).catch(() => undefined), leaseMs / 3);
      try {
        await handle(job);
        await queue.complete(job.receipt);
      } catch (error) {
        log(`job ${job.id} (${job.type}) failed: ${(error as Error).stack ?? error}`);
        await queue
          .fail(job.receipt, String((error as Error).message ?? error), { retryAfterMs: 5_000 })
          .catch(() => undefined);
      } finally {
        clearInterval(keepAlive);
      }
    }
  };

  const loops = Array.from({ length: concurrency }, () => loop());
  return {
    /** Checks for work now instead of at the next poll. */
    poke() {
      for (const wake of wakers) wake();
    },
    async stop() {
      stopping = true;
      for (const wake of wakers) wake();
      await Promise.allSettled(loops);
    },
  };
}
