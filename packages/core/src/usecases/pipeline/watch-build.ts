import { nowIso } from "../../domain/ids.ts";
import { scrubCredential } from "../../domain/repo-credentials.ts";
import type { CoreDeps } from "../deps.ts";
import { repoCredentialOf } from "../repo-access.ts";
import { ACTIVATE_JOB, DEPLOY_JOB, WATCH_BUILD_JOB, WATCH_INTERVAL_MS, type WatchBuildPayload } from "./jobs.ts";
import { logSystem, reportStatus } from "./report.ts";
import { heartbeat } from "./resume-stalled.ts";

/**
 * Step `building → deploying`: one look at the build. Still running: the message comes back after
 * a delay. Succeeded: the artifact is recorded and activation queued. The deployment canceled (or
 * ended) meanwhile: the build is stopped, from whichever process runs this.
 */
export async function watchBuildStep(deps: CoreDeps, payload: WatchBuildPayload): Promise<void> {
  const { deploymentId, handle } = payload;
  const store = deps.store.deployments;
  const deployment = await store.get(deploymentId);
  if (!deployment) return;
  if (deployment.status === "deploying") {
    // Past the build already: the watcher that moved it may have died before queueing activation.
    // A second activation message is harmless (activation is idempotent).
    await deps.queue.enqueue(ACTIVATE_JOB, { deploymentId });
    return;
  }
  if (deployment.status !== "building") {
    // Canceled, failed or already past the build (a duplicate watcher): nothing may keep building.
    if (deployment.status === "canceled" || deployment.status === "error") await deps.builder.cancel(handle);
    return;
  }
  const status = await deps.builder.status(handle);
  switch (status.state) {
    case "running":
      await deps.queue.enqueue(WATCH_BUILD_JOB, payload, { delayMs: WATCH_INTERVAL_MS });
      await heartbeat(deps, deployment);
      return;
    case "succeeded":
      if (await store.transition(deploymentId, ["building"], "deploying", { artifactKey: status.artifactKey })) {
        await deps.queue.enqueue(ACTIVATE_JOB, { deploymentId });
      }
      return;
    case "lost":
      // Killed from outside (or the machine restarted): build again rather than fail a good commit.
      await logSystem(deps, deploymentId, `↻ ${status.reason}: building again`);
      await deps.queue.enqueue(DEPLOY_JOB, { deploymentId });
      return;
    case "failed": {
      const project = await deps.store.projects.get(deployment.projectId);
      // A builder on another target may not mask its reason; the token never reaches the record.
      const reason = project ? scrubCredential(status.reason, await repoCredentialOf(deps, project)) : status.reason;
      if (
        !(await store.transition(deploymentId, ["building"], "error", { statusReason: reason, finishedAt: nowIso() }))
      )
        return;
      await logSystem(deps, deploymentId, `✗ Build failed: ${reason}`);
      if (project) await reportStatus(deps, project, deploymentId);
    }
  }
}
