import { ID_LENGTH } from "../domain/ids.ts";
import type { Deployment, Environment, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";
import { storeQueuedDeployment } from "./queued-deployment.ts";

/** What `newId` writes: the id a deployment built outside the pipeline must carry in its manifest. */
const DEPLOYMENT_ID = new RegExp(`^[0-9a-z]{${ID_LENGTH}}$`);

export interface QueueArtifactDeploymentInput {
  project: Project;
  /** The id the artifact's manifest names (chosen when it was built); must be new. */
  deploymentId: string;
  /** Where the checked artifact already is in the BlobStore. */
  artifactKey: string;
  /** 40 hex characters standing for the artifact (its digest): the deployment's "commit". */
  digest: string;
  environment: Environment;
  message: string;
}

/**
 * Records a deployment whose artifact was built elsewhere (the CLI building the dashboard) and is
 * already stored: it enters the pipeline as `queued` with its artifact, and the first step moves it
 * past the build (an artifact is stored only for a build that succeeded), so the Deployer, the
 * aliases and rollback treat it like any other deployment.
 */
export async function queueArtifactDeployment(
  deps: Pick<CoreDeps, "store" | "secrets">,
  input: QueueArtifactDeploymentInput,
): Promise<Deployment> {
  await assertNewDeploymentId(deps, input.deploymentId);
  return storeQueuedDeployment(deps, input.project, {
    id: input.deploymentId,
    environment: input.environment,
    commit: { sha: input.digest, branch: null, message: input.message, author: null },
    trigger: "artifact",
    artifactKey: input.artifactKey,
  });
}

/** Refuses an id `newId` could not have written, or one a deployment already has. */
export async function assertNewDeploymentId(deps: Pick<CoreDeps, "store">, deploymentId: string): Promise<void> {
  if (!DEPLOYMENT_ID.test(deploymentId)) {
    throw new SlipwayError(
      "INVALID_ARTIFACT",
      `The artifact's manifest names deployment "${deploymentId}", which is not a Slipway deployment id.`,
      `Build the artifact with a fresh id of ${ID_LENGTH} lowercase letters and digits.`,
    );
  }
  if (await deps.store.deployments.get(deploymentId)) {
    throw new SlipwayError(
      "INVALID_ARTIFACT",
      `Deployment ${deploymentId} already exists: an artifact is deployed once.`,
      "Build the artifact again (a new build gets a new deployment id).",
    );
  }
}
