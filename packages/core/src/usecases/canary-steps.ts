import type { Job } from "../ports/queue.ts";
import { productionHostname } from "./aliases.ts";
import { type CanaryDeps, cancelCanary } from "./canary.ts";
import { CANARY_ALARM_JOB, CANARY_UNWATCH_JOB, CANARY_WATCH_JOB } from "./canary-jobs.ts";

/** Longest alarm reason kept in a log line: it comes from outside (the alarm's own text). */
const REASON_LIMIT = 300;

/** Handles a canary job; false for any other job type. */
export async function handleCanaryJob(
  deps: CanaryDeps,
  job: Pick<Job, "type" | "payload">,
  log: (line: string) => void = () => undefined,
): Promise<boolean> {
  if (job.type !== CANARY_WATCH_JOB && job.type !== CANARY_UNWATCH_JOB && job.type !== CANARY_ALARM_JOB) return false;
  const watch = deps.canaryWatch;
  const payload = (job.payload ?? {}) as Record<string, unknown>;
  const deploymentId = payload.deploymentId;
  if (!watch || typeof deploymentId !== "string") {
    log(`steps: dropped ${job.type}: ${watch ? "no deployment id" : "this target watches no canaries"}`);
    return true;
  }
  const running = await isRunningCanary(deps, deploymentId);
  if (job.type === CANARY_WATCH_JOB) {
    const deployment = await deps.store.deployments.get(deploymentId);
    if (running && deployment) await watch.watch(deployment);
    // Ended before (or while) the watch was made: the unwatch step may have run first.
    if (!running || !(await isRunningCanary(deps, deploymentId))) await watch.unwatch(deploymentId);
    return true;
  }
  if (job.type === CANARY_UNWATCH_JOB) {
    // Started again since it ended: the watch it has now is the new canary's.
    if (!running) await watch.unwatch(deploymentId);
    return true;
  }
  const reason = typeof payload.reason === "string" ? payload.reason.slice(0, REASON_LIMIT) : "error alarm";
  const deployment = await deps.store.deployments.get(deploymentId);
  const project = deployment ? await deps.store.projects.get(deployment.projectId) : null;
  const cancelled = project ? await cancelCanary(deps, project, `error alarm: ${reason}`, deploymentId) : null;
  if (cancelled === null) {
    // Not (or no longer) a canary: the alarm is left over, nothing to roll back.
    log(`steps: canary alarm of ${deploymentId}, which is no running canary: alarm removed`);
    await watch.unwatch(deploymentId);
  } else {
    log(`steps: canary ${deploymentId} cancelled by its error alarm`);
  }
  return true;
}

/** True while `deploymentId` is the canary on its project's production alias. */
async function isRunningCanary(deps: CanaryDeps, deploymentId: string): Promise<boolean> {
  const deployment = await deps.store.deployments.get(deploymentId);
  const project = deployment ? await deps.store.projects.get(deployment.projectId) : null;
  if (!project) return false;
  const production = await deps.store.aliases.get(productionHostname(deps, project));
  return production?.projectId === project.id && production.canary?.deploymentId === deploymentId;
}
