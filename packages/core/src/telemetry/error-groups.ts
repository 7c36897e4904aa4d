import type { ErrorEvent, ErrorGroup } from "./model.ts";

/**
 * Errors grouped by message, as every telemetry reader answers them: counts, first and last time,
 * the latest occurrence's deployment and request, the latest stack seen; most recent group first.
 */
export function groupErrors(events: readonly ErrorEvent[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const event of [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    const group = groups.get(event.message);
    groups.set(event.message, {
      message: event.message,
      count: (group?.count ?? 0) + 1,
      firstAt: group?.firstAt ?? event.at,
      lastAt: event.at,
      lastDeploymentId: event.deploymentId,
      lastRequestId: event.requestId,
      stack: event.stack ?? group?.stack ?? null,
    });
  }
  return [...groups.values()].sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
}
