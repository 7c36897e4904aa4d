import {
  assertNewDeploymentId,
  type BlobStore,
  ENVIRONMENTS,
  type Project,
  queueArtifactDeployment,
  SlipwayError,
} from "@slipway/core";
import type { Context } from "hono";
import { z } from "zod";
import { projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { parseQuery } from "../body.ts";
import { checkArtifactArchive } from "./check-archive.ts";

export const artifactQuery = z.object({
  environment: z.enum(ENVIRONMENTS).optional(),
  message: z.string().max(200).optional(),
});

/** The project named in the path, for the platform's admin token only: an artifact runs as its server code. */
export async function adminArtifactProject(deps: ApiDeps, c: Context<CallerEnv>): Promise<Project> {
  const caller = c.get("caller");
  const project = await projectFor(deps, caller, c.req.param("name") ?? "", "owner");
  if (caller.kind !== "admin") {
    throw new SlipwayError(
      "FORBIDDEN",
      "Deploying an uploaded artifact is for the platform's admin token.",
      "Deploy from git instead (`slipway deploy`), or use the admin token.",
    );
  }
  return project;
}

/**
 * Checks the archive entry by entry, stores it under its manifest's new deployment id and queues
 * the deployment after the build. A refused archive stores nothing. Shared by the direct upload
 * and the two-step one (archive staged in the bucket), so both refuse exactly the same archives.
 */
export async function deployArchive(
  deps: ApiDeps & { blobs: BlobStore },
  project: Project,
  archive: Buffer,
  query: Record<string, string>,
) {
  const { environment, message } = parseQuery(artifactQuery, query);
  const { manifest, sha256 } = await checkArtifactArchive(archive);
  await assertNewDeploymentId(deps, manifest.deploymentId);
  const artifactKey = `artifacts/${manifest.deploymentId}.tar`;
  if (await deps.blobs.head(artifactKey)) {
    throw new SlipwayError(
      "INVALID_ARTIFACT",
      `An artifact for deployment ${manifest.deploymentId} is already stored.`,
      "Build the artifact again (a new build gets a new deployment id).",
    );
  }
  await deps.blobs.put(artifactKey, archive);
  return queueArtifactDeployment(deps, {
    project,
    deploymentId: manifest.deploymentId,
    artifactKey,
    digest: sha256.slice(0, 40),
    environment: environment ?? "production",
    message: message ?? `artifact ${sha256.slice(0, 12)} (Next.js ${manifest.nextVersion})`,
  });
}
