import {
  assertNewDeploymentId,
  type BlobStore,
  ENVIRONMENTS,
  presentDeployment,
  queueArtifactDeployment,
  SlipwayError,
} from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import { projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { checkArtifactArchive } from "../artifacts/check-archive.ts";
import { parseQuery } from "../body.ts";

const artifactQuery = z.object({
  environment: z.enum(ENVIRONMENTS).optional(),
  message: z.string().max(200).optional(),
});

/**
 * "Deploy an artifact": the platform's admin uploads a build made elsewhere (the CLI building the
 * dashboard) as a tar archive; it is checked entry by entry, stored under its manifest's new
 * deployment id, and the deployment enters the pipeline after the build (activate, aliases).
 * Only with a BlobStore (the API stores nothing else); the admin token only, since whatever it
 * uploads runs as the project's server code.
 */
export function artifactRoutes(deps: ApiDeps & { blobs: BlobStore }) {
  return new Hono<CallerEnv>().post("/projects/:name/deployments/artifact", async (c) => {
    const caller = c.get("caller");
    const project = await projectFor(deps, caller, c.req.param("name"), "owner");
    if (caller.kind !== "admin") {
      throw new SlipwayError(
        "FORBIDDEN",
        "Deploying an uploaded artifact is for the platform's admin token.",
        "Deploy from git instead (`slipway deploy`), or use the admin token.",
      );
    }
    const { environment, message } = parseQuery(artifactQuery, c.req.query());
    const archive = Buffer.from(await c.req.arrayBuffer());
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
    const deployment = await queueArtifactDeployment(deps, {
      project,
      deploymentId: manifest.deploymentId,
      artifactKey,
      digest: sha256.slice(0, 40),
      environment: environment ?? "production",
      message: message ?? `artifact ${sha256.slice(0, 12)} (Next.js ${manifest.nextVersion})`,
    });
    return c.json(presentDeployment(deps, project, deployment), 202);
  });
}
