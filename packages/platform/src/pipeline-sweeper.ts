import { type CoreDeps, resumeStalledDeployments } from "@slipway/core";

export interface PipelineSweeperOptions {
  deps: Pick<CoreDeps, "store" | "queue">;
  /** Mean time between sweeps; each wait is jittered ±25 % so several processes do not sweep in step. */
  intervalMs?: number;
  log(line: string): void;
  /** Called after a sweep re-enqueued something, to run it now rather than at the next poll. */
  onResumed?(): void;
}

/**
 * Runs `resumeStalledDeployments` every ~30 s in this process (`slipway up` and every
 * `slipway worker`): a deployment whose message was lost is picked up again by whichever runs first.
 */
export function startPipelineSweeper(options: PipelineSweeperOptions) {
  const { deps, intervalMs = 30_000, log, onResumed } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();

  const sweep = async () => {
    try {
      const resumed = await resumeStalledDeployments(deps);
      if (resumed.length > 0) {
        log(`resumed ${resumed.length} stalled deployment(s): ${resumed.join(", ")}`);
        onResumed?.();
      }
    } catch (error) {
      log(`pipeline sweep failed: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        sweeping = sweep().finally(schedule);
      },
      intervalMs * (0.75 + Math.random() / 2),
    );
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
    },
  };
}
