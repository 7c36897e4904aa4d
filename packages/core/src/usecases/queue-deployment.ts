import { newId } from "../domain/ids.ts";
import { ACTIVE_STATUSES, type Deployment, type Environment, type Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { pointBranchAlias } from "./aliases.ts";
import { cancelSuperseded } from "./cancel.ts";
import type { CoreDeps } from "./deps.ts";
import { storeQueuedDeployment } from "./queued-deployment.ts";
import { repoCredentialOf } from "./repo-access.ts";
import { isSha, validateBranchName } from "./validation.ts";

export interface QueueDeploymentInput {
  project: Project;
  sha: string;
  branch: string | null;
  environment: Environment;
  trigger: string;
  message?: string | null;
  author?: string | null;
}

/**
 * Records a deployment as `queued` together with its first pipeline message. The env vars it will be
 * built and run with are snapshotted now, so later edits only affect later deployments.
 */
export type QueueDeps = Pick<CoreDeps, "store" | "secrets" | "logs" | "urls" | "git">;

export async function queueDeployment(deps: QueueDeps, input: QueueDeploymentInput): Promise<Deployment> {
  if (!isSha(input.sha)) {
    throw new SlipwayError("INVALID_REF", `"${input.sha}" is not a full 40-character commit sha.`);
  }
  if (input.branch !== null) validateBranchName(input.branch);
  // A push to a pull request's branch also fires `pull_request: synchronize`: one deployment is enough.
  // A ready twin only counts while it still has its artifact (retention may have removed it).
  const twin = (await deps.store.deployments.listByProject(input.project.id, { limit: 20 })).find(
    (d) =>
      d.commit.sha === input.sha &&
      d.commit.branch === input.branch &&
      d.environment === input.environment &&
      ((ACTIVE_STATUSES as readonly string[]).includes(d.status) || (d.status === "ready" && d.artifactKey !== null)),
  );
  if (twin && input.trigger.startsWith("webhook:")) {
    // Closing a pull request removed the branch URL; reopening it (same head) must bring it back.
    // Only the branch alias: moving production here could undo a rollback on a redelivered push.
    if (twin.status === "ready") await pointBranchAlias(deps, input.project, twin);
    return twin;
  }
  const deployment = await storeQueuedDeployment(deps, input.project, {
    id: newId(),
    environment: input.environment,
    commit: { sha: input.sha, branch: input.branch, message: input.message ?? null, author: input.author ?? null },
    trigger: input.trigger,
    artifactKey: null,
  });
  if (deployment.commit.branch) await cancelSuperseded(deps, deployment);
  return deployment;
}

export interface DeployRefInput {
  project: Project;
  /** Branch name or full sha; defaults to the production branch. */
  ref?: string;
  prod?: boolean;
  trigger: string;
}

/** `slipway deploy`: resolves a branch to its head commit, then queues it. */
export async function deployRef(deps: QueueDeps, input: DeployRefInput): Promise<Deployment> {
  const ref = input.ref ?? input.project.productionBranch;
  let sha: string;
  let branch: string | null;
  if (isSha(ref.toLowerCase())) {
    sha = ref.toLowerCase();
    branch = null;
  } else {
    branch = validateBranchName(ref);
    const resolved = await deps.git.resolveRef(input.project.repoUrl, ref, await repoCredentialOf(deps, input.project));
    if (!resolved) {
      throw new SlipwayError(
        "INVALID_REF",
        `Branch "${ref}" was not found in ${input.project.repoUrl}.`,
        "Push the branch first, or pass a full commit sha with --ref.",
      );
    }
    sha = resolved;
  }
  const environment: Environment =
    input.prod || (branch !== null && branch === input.project.productionBranch) ? "production" : "preview";
  return queueDeployment(deps, { project: input.project, sha, branch, environment, trigger: input.trigger });
}
