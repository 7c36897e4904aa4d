import { nowIso } from "../../domain/ids.ts";
import { credentialSecrets } from "../../domain/repo-credentials.ts";
import type { CoreDeps } from "../deps.ts";
import { deploymentEnv } from "../env-snapshot.ts";
import { repoCredentialOf } from "../repo-access.ts";
import { ACTIVATE_JOB, DEPLOY_JOB, WATCH_BUILD_JOB, WATCH_INTERVAL_MS, type WatchBuildPayload } from "./jobs.ts";
import { logSystem, reportStatus } from "./report.ts";
import { heartbeat } from "./resume-stalled.ts";

/**
 * Step `queued → building`: waits for a build slot, then starts the build and hands it to the
 * watcher. Redelivered while `building`, it gets the running build's handle back from the Builder
 * (which never starts a second build of one deployment) and watches it again.
 */
export async function startBuildStep(deps: CoreDeps, deploymentId: string): Promise<void> {
  const store = deps.store.deployments;
  const deployment = await store.get(deploymentId);
  if (!deployment) return;
  if (deployment.status === "deploying") {
    // Moved past the build by a delivery that died before queueing activation (or a duplicate).
    await deps.queue.enqueue(ACTIVATE_JOB, { deploymentId });
    return;
  }
  if (deployment.status !== "queued" && deployment.status !== "building") return;
  const project = await deps.store.projects.get(deployment.projectId);
  if (!project) return;

  // An artifact is stored only by a build that succeeded: nothing to build again.
  if (deployment.artifactKey && (await deps.blobs.head(deployment.artifactKey)) !== null) {
    if (await store.transition(deploymentId, ["queued", "building"], "deploying")) {
      await deps.queue.enqueue(ACTIVATE_JOB, { deploymentId });
    }
    return;
  }

  if (deployment.status === "queued") {
    if (await buildSlotsTaken(deps, deploymentId)) {
      // Not a sleep holding a worker: the message comes back when the slot may be free.
      await deps.queue.enqueue(DEPLOY_JOB, { deploymentId }, { delayMs: WATCH_INTERVAL_MS });
      await heartbeat(deps, deployment);
      return;
    }
    // GitHub hears of it once, as its build is about to start (still "queued" there).
    await reportStatus(deps, project, deploymentId);
    if (!(await store.transition(deploymentId, ["queued"], "building", { buildStartedAt: nowIso() }))) return;
    await logSystem(
      deps,
      deploymentId,
      `▶ Building ${project.name} at ${deployment.commit.sha.slice(0, 7)} (${deployment.environment})`,
    );
  }

  const { env, mask } = await deploymentEnv(deps, project, deployment);
  const repoCredential = await repoCredentialOf(deps, project);
  const handle = await deps.builder.start({
    deploymentId,
    projectId: project.id,
    repoUrl: project.repoUrl,
    repoCredential,
    sha: deployment.commit.sha,
    rootDir: project.rootDir,
    installCommand: project.installCommand,
    buildCommand: project.buildCommand,
    nodeVersion: project.nodeVersion,
    env,
    // git or the build may echo the token: it is hidden like a secret env value.
    mask: [...mask, ...credentialSecrets(repoCredential)],
  });
  await deps.queue.enqueue(WATCH_BUILD_JOB, { deploymentId, handle } satisfies WatchBuildPayload, {
    delayMs: WATCH_INTERVAL_MS,
  });
}

async function buildSlotsTaken(deps: CoreDeps, deploymentId: string): Promise<boolean> {
  const limit = deps.settings.maxConcurrentBuilds ?? 1;
  const building = await deps.store.deployments.listByStatus(["building"]);
  if (building.filter((d) => d.id !== deploymentId).length >= limit) return true;
  // Oldest first: a newer queued deployment waits for the older ones of every project.
  const queued = await deps.store.deployments.listByStatus(["queued"]);
  const ahead = queued.findIndex((d) => d.id === deploymentId);
  return ahead >= Math.max(limit - building.length, 1);
}
