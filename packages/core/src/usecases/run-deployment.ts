import { nowIso } from "../domain/ids.ts";
import type { Deployment, LogLine, Project } from "../domain/model.ts";
import { credentialSecrets, scrubCredential } from "../domain/repo-credentials.ts";
import type { ActivationResult } from "../ports/deployer.ts";
import { deploymentHostname, pointAliases } from "./aliases.ts";
import type { CoreDeps } from "./deps.ts";
import { deploymentEnv } from "./env-snapshot.ts";
import { repoCredentialOf } from "./repo-access.ts";
import { pruneDeployments } from "./retention.ts";
import { trackRunning, untrackRunning } from "./running-builds.ts";

type Line = Omit<LogLine, "seq">;

/**
 * The deploy job: build → activate (pre-warm) → point aliases → ready. Idempotent, because the
 * queue delivers at least once: a run that finds the deployment finished does nothing, and a run
 * after a crash starts again from the build (or from activation when the artifact was stored).
 * Every status change is a compare-and-set, so a cancel that lands mid-way wins.
 */
export async function runDeployment(deps: CoreDeps, deploymentId: string): Promise<void> {
  const deployment = await deps.store.deployments.get(deploymentId);
  if (!deployment || !["queued", "building", "deploying"].includes(deployment.status)) return;
  const project = await deps.store.projects.get(deployment.projectId);
  if (!project) return;

  const log = createLogBuffer(deps, deploymentId);
  const controller = trackRunning(deploymentId);
  await reportStatus(deps, project, deploymentId);
  try {
    await execute(deps, project, deployment, log, controller.signal);
  } finally {
    untrackRunning(deploymentId);
    await log.flush();
  }
  await reportStatus(deps, project, deploymentId);
}

/** Best effort: GitHub being down must never fail a deployment. */
async function reportStatus(deps: CoreDeps, project: Project, deploymentId: string): Promise<void> {
  const deployment = await deps.store.deployments.get(deploymentId);
  if (!deployment || !deps.statusReporter) return;
  await deps.statusReporter
    .report(project, deployment, deps.urls.url(deploymentHostname(deps, project, deployment.id)))
    .catch(() => undefined);
}

async function execute(
  deps: CoreDeps,
  project: Project,
  deployment: Deployment,
  log: LogBuffer,
  signal: AbortSignal,
): Promise<void> {
  const store = deps.store.deployments;
  const { env, mask } = await deploymentEnv(deps, project, deployment);
  const repoCredential = await repoCredentialOf(deps, project);
  let artifactKey = deployment.artifactKey;
  // After a crash past the build, the stored artifact is reused instead of building again.
  if (artifactKey && (await deps.blobs.head(artifactKey)) === null) artifactKey = null;

  if (!artifactKey) {
    const started = nowIso();
    if (
      !(await store.transition(deployment.id, ["queued", "building", "deploying"], "building", {
        buildStartedAt: started,
      }))
    )
      return;
    if (deployment.status !== "queued") log.push(system("↻ Resuming after a restart: building again"));
    log.push(system(`▶ Building ${project.name} at ${deployment.commit.sha.slice(0, 7)} (${deployment.environment})`));
    const result = await deps.builder.build({
      deploymentId: deployment.id,
      projectId: project.id,
      repoUrl: project.repoUrl,
      repoCredential,
      sha: deployment.commit.sha,
      rootDir: project.rootDir,
      installCommand: project.installCommand,
      buildCommand: project.buildCommand,
      env,
      // git or the build may echo the token: it is hidden like a secret env value.
      mask: [...mask, ...credentialSecrets(repoCredential)],
      onLog: (line) => log.push(line),
      signal,
    });
    if (!result.ok) {
      if (signal.aborted) {
        // Either a cancel (it already recorded status and reason) or a stop of the platform: then
        // the deployment stays `building` and the next start builds it again.
        if ((await store.get(deployment.id))?.status === "building") {
          log.push(system("■ Interrupted: the platform is stopping; the build starts again at the next start"));
        }
        return;
      }
      // A builder on another target may not mask its reason; the token never reaches the record.
      const reason = scrubCredential(result.reason, repoCredential);
      log.push(system(`✗ Build failed: ${reason}`));
      await store.transition(deployment.id, ["building"], "error", {
        statusReason: reason,
        finishedAt: nowIso(),
      });
      return;
    }
    artifactKey = result.artifactKey;
    if (!(await store.transition(deployment.id, ["building"], "deploying", { artifactKey }))) return;
  } else if (!(await store.transition(deployment.id, ["queued", "building", "deploying"], "deploying"))) {
    return;
  }

  log.push(system("▶ Activating and pre-warming"));
  await log.flush();
  // A throw here (a worker that cannot start in time, a full disk) would fail the job until the
  // queue gives up, leaving the deployment "deploying" for good: it is an activation failure.
  const activation = await deps.deployer
    .activate({ ...deployment, artifactKey, status: "deploying" })
    .catch((error: unknown): ActivationResult => ({ ok: false, reason: errorMessage(error) }));
  if (!activation.ok) {
    log.push(system(`✗ Activation failed: ${activation.reason}`));
    await store.transition(deployment.id, ["deploying"], "error", {
      statusReason: activation.reason,
      finishedAt: nowIso(),
    });
    return;
  }
  // Re-read: a cancel may have landed during activation; then no alias moves and the warmed
  // workers are stopped, since nothing will ever route to them.
  const current = await store.get(deployment.id);
  if (current?.status !== "deploying") {
    await deps.deployer.deactivate(deployment.id);
    return;
  }
  for (const hostname of await pointAliases(deps, project, current)) {
    log.push(system(`⚠ ${hostname} belongs to another project: it keeps serving that project`));
  }
  const readyAt = nowIso();
  if (!(await store.transition(deployment.id, ["deploying"], "ready", { readyAt, finishedAt: readyAt }))) return;
  const url = deps.urls.url(deploymentHostname(deps, project, deployment.id));
  log.push(system(`✓ Ready (pre-warmed in ${activation.warmMs} ms): ${url}`));
  await pruneDeployments(deps, project);
}

/**
 * For a deploy job the queue is about to give up on (it threw every time): the deployment ends
 * `error` with the last fault as its reason instead of staying `building` forever.
 */
export async function giveUpDeployment(deps: CoreDeps, deploymentId: string, error: unknown): Promise<void> {
  const reason = `gave up after repeated internal errors: ${errorMessage(error)}`;
  await deps.store.deployments.transition(deploymentId, ["queued", "building", "deploying"], "error", {
    statusReason: reason,
    finishedAt: nowIso(),
  });
  await deps.logs.append(deploymentId, [system(`✗ ${reason}`)]);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function system(text: string): Line {
  return { at: nowIso(), stream: "system", text };
}

interface LogBuffer {
  push(line: Line): void;
  flush(): Promise<void>;
}

/** Batches log lines (builds print thousands) and writes them at most every 200 ms. */
function createLogBuffer(deps: CoreDeps, deploymentId: string): LogBuffer {
  let pending: Line[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length > 0) writing = writing.then(() => deps.logs.append(deploymentId, batch));
    return writing;
  };
  return {
    push(line) {
      pending.push(line);
      timer ??= setTimeout(flush, 200);
    },
    flush,
  };
}
