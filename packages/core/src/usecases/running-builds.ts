/**
 * Abort controllers of the builds running in this process, so a cancel (API call or a newer push)
 * stops the build at once instead of when it next checks the store.
 */
const running = new Map<string, AbortController>();

export function trackRunning(deploymentId: string): AbortController {
  const controller = new AbortController();
  running.set(deploymentId, controller);
  return controller;
}

export function untrackRunning(deploymentId: string): void {
  running.delete(deploymentId);
}

export function abortRunning(deploymentId: string, reason: string): void {
  running.get(deploymentId)?.abort(new Error(reason));
}

/** Aborts every build running in this process (the platform is stopping). */
export function abortAllRunning(reason: string): void {
  for (const controller of running.values()) controller.abort(new Error(reason));
}
