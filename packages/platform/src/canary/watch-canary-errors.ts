import { CANARY_ALARM_JOB, type CanaryAlarmPayload, type CoreDeps } from "@slipway/core";
import { type ChangeWatch, createStampedCache } from "@slipway/runtime";
import { createCanaryErrorWatch } from "./canary-error-watch.ts";

/**
 * The edge's canary error watch wired to the store and the queue: "is this deployment a running
 * canary?" is read from its project's production alias and remembered until the store changes
 * (so a 5xx costs no store read while nothing moves), and a crossed rule becomes the same
 * `canary.alarm` step an AWS alarm becomes, run by the step runner (handleCanaryJob).
 */
export function watchCanaryErrors(
  deps: Pick<CoreDeps, "store" | "queue">,
  changes: ChangeWatch,
  log: (line: string) => void,
  now?: () => number,
) {
  const isCanary = createStampedCache(changes, async (deploymentId): Promise<boolean> => {
    const deployment = await deps.store.deployments.get(deploymentId);
    if (!deployment) return false;
    const production = await deps.store.aliases.production(deployment.projectId);
    return production?.canary?.deploymentId === deploymentId;
  });
  return createCanaryErrorWatch({
    isCanary,
    async onAlarm(deploymentId, reason) {
      const payload: CanaryAlarmPayload = { deploymentId, reason };
      await deps.queue.enqueue(CANARY_ALARM_JOB, payload);
    },
    log,
    ...(now ? { now } : {}),
  });
}
