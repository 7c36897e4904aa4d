import { type BlobStore, presentDeployment } from "@slipway/core";
import { Hono } from "hono";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { adminArtifactProject, deployArchive } from "../artifacts/deploy-archive.ts";

/**
 * "Deploy an artifact": the platform's admin uploads a build made elsewhere (the CLI building the
 * dashboard) as a tar archive; it is checked entry by entry, stored under its manifest's new
 * deployment id, and the deployment enters the pipeline after the build (activate, aliases).
 * Only with a BlobStore (the API stores nothing else); the admin token only, since whatever it
 * uploads runs as the project's server code. The body passes through the API, so on AWS it is
 * bounded by API Gateway (10 MB) and Lambda (6 MB): there the two-step upload (artifact-uploads.ts).
 */
export function artifactRoutes(deps: ApiDeps & { blobs: BlobStore }) {
  return new Hono<CallerEnv>().post("/projects/:name/deployments/artifact", async (c) => {
    const project = await adminArtifactProject(deps, c);
    const archive = Buffer.from(await c.req.arrayBuffer());
    const deployment = await deployArchive(deps, project, archive, c.req.query());
    return c.json(presentDeployment(deps, project, deployment), 202);
  });
}
