import type { Alias } from "../domain/model.ts";
import { CANARY_UNWATCH_JOB, type CanaryJobPayload } from "./canary-jobs.ts";
import type { CoreDeps } from "./deps.ts";
import { logSystem } from "./pipeline/report.ts";

/**
 * After a write that replaced the production alias (promote, rollback, a newer production
 * deploy): `before` is the alias as it was; a canary it held has ended. Says so on the canary
 * deployment and stops watching it.
 */
export async function canaryEndedByMove(
  deps: Pick<CoreDeps, "logs" | "queue">,
  before: Alias | null,
  movedTo: string,
): Promise<void> {
  const canary = before?.canary;
  if (!canary) return;
  const how =
    canary.deploymentId === movedTo
      ? "completed: this deployment now serves all of production"
      : `ended: production moved to ${movedTo}`;
  await endedCanary(deps, canary.deploymentId, how);
}

/** Says on the canary deployment how its canary ended and stops watching it. */
export async function endedCanary(
  deps: Pick<CoreDeps, "logs" | "queue">,
  canaryId: string,
  how: string,
): Promise<void> {
  await logSystem(deps, canaryId, `Canary ${how}`);
  const payload: CanaryJobPayload = { deploymentId: canaryId };
  await deps.queue.enqueue(CANARY_UNWATCH_JOB, payload);
}
