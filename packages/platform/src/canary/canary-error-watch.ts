import { CANARY_ROLLBACK_RULE } from "@slipway/core";
import type { RequestReport } from "@slipway/runtime";

export interface CanaryErrorWatchOptions {
  /** Whether the deployment is its project's running canary now (answered from memory when warm). */
  isCanary(deploymentId: string): boolean | Promise<boolean>;
  /** The rule was crossed: cancel the canary (the platform queues a `canary.alarm` step). */
  onAlarm(deploymentId: string, reason: string): Promise<void>;
  log(line: string): void;
  /** The clock, in milliseconds. @default Date.now */
  now?: () => number;
}

/** Canaries remembered at most; there are a few at a time, this only bounds a pathological case. */
const MAX_TRACKED = 1_000;

/**
 * Automatic rollback on the local target, by the AWS rule (CANARY_ROLLBACK_RULE): a canary
 * whose worker answers 5 server errors (5xx) within 60 s is cancelled. The edge reports every
 * request anyway; this looks only at 5xx answers from a worker (not the edge's own error pages,
 * not cache hits), so other requests cost one comparison. The window slides: the times of the
 * last five errors are kept per canary, and the fifth within 60 s of the first raises the alarm.
 * The counts live in memory only: a restart of `slipway up` starts them afresh (the canary
 * itself, on the alias, runs on).
 */
export function createCanaryErrorWatch(options: CanaryErrorWatchOptions) {
  const { errors, windowSeconds } = CANARY_ROLLBACK_RULE;
  const windowMs = windowSeconds * 1000;
  const now = options.now ?? Date.now;
  /** Deployment → the times of its latest server errors, oldest first, at most `errors`. */
  const recent = new Map<string, number[]>();

  async function count(deploymentId: string, at: number, status: number): Promise<void> {
    if (!(await options.isCanary(deploymentId))) {
      recent.delete(deploymentId);
      return;
    }
    let times = recent.get(deploymentId);
    if (!times) {
      if (recent.size >= MAX_TRACKED) recent.delete(recent.keys().next().value as string);
      times = [];
      recent.set(deploymentId, times);
    }
    times.push(at);
    if (times.length > errors) times.shift();
    const first = times[0] ?? at;
    if (times.length < errors || at - first >= windowMs) return;
    // Counted once: the next alarm needs five new errors (a late one finds no canary to cancel).
    recent.delete(deploymentId);
    const reason = `${errors} server errors (5xx) from its worker within ${windowSeconds} s, the last ${status}`;
    options.log(`canary ${deploymentId}: ${reason}; rolling it back`);
    await options.onAlarm(deploymentId, reason);
  }

  return {
    /**
     * For the edge's onRequest: returns at once unless the answer is a worker's 5xx; the promise
     * (never rejected) is for tests, the edge does not wait on it.
     */
    observe(report: Pick<RequestReport, "deploymentId" | "status" | "servedBy">): Promise<void> | undefined {
      if (report.status < 500 || report.deploymentId === null) return;
      if (report.servedBy !== "function" && report.servedBy !== "image") return;
      return count(report.deploymentId, now(), report.status).catch((error: unknown) =>
        options.log(`canary error watch failed: ${String(error)}`),
      );
    },
  };
}
