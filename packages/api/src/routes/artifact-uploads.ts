import { type BlobStore, newId, presentDeployment, SlipwayError } from "@slipway/core";
import { Hono } from "hono";
import type { CallerEnv } from "../accounts/caller.ts";
import { ARTIFACT_BODY_LIMIT } from "../admin-body-limit.ts";
import type { ApiDeps } from "../app.ts";
import { adminArtifactProject, deployArchive } from "../artifacts/deploy-archive.ts";

/** How long the upload URL is good for: a 13 MB archive takes seconds, a slow link some minutes. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** Where an archive waits between its PUT and its check (the API role may PUT and delete there). */
export const STAGED_UPLOADS = "uploads/";
const UPLOAD_ID = /^[0-9a-z]{20}$/;

type UploadingBlobs = BlobStore & { uploadUrl: NonNullable<BlobStore["uploadUrl"]> };

/**
 * The two-step artifact upload, for a BlobStore that hands out upload URLs (S3): the archive goes
 * from the CLI straight to the bucket, past API Gateway's 10 MB and Lambda's 6 MB request limits.
 * 1. `POST …/artifact/uploads` → a presigned PUT URL for a staged key;
 * 2. `POST …/artifact/uploads/:uploadId` → the staged archive is read, checked exactly as a
 *    direct upload is, stored under its deployment id and queued; the staged object is deleted
 *    whether it was accepted or refused.
 * Absent (404 NOT_FOUND) where the store has no upload URLs: the CLI then uploads directly.
 */
export function artifactUploadRoutes(deps: ApiDeps & { blobs: UploadingBlobs }) {
  const stagedKey = (uploadId: string) => `${STAGED_UPLOADS}${uploadId}.tar`;
  return new Hono<CallerEnv>()
    .post("/projects/:name/deployments/artifact/uploads", async (c) => {
      await adminArtifactProject(deps, c);
      const uploadId = newId(20);
      const expiresAt = new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString();
      const { url, headers } = await deps.blobs.uploadUrl(stagedKey(uploadId), {
        expiresInSeconds: UPLOAD_URL_SECONDS,
      });
      return c.json({ uploadId, url, headers, expiresAt }, 201);
    })
    .post("/projects/:name/deployments/artifact/uploads/:uploadId", async (c) => {
      const project = await adminArtifactProject(deps, c);
      const uploadId = c.req.param("uploadId");
      const staged = UPLOAD_ID.test(uploadId) ? await deps.blobs.head(stagedKey(uploadId)) : null;
      if (!staged) {
        throw new SlipwayError(
          "NOT_FOUND",
          `No uploaded archive ${JSON.stringify(uploadId)}: it was never PUT, or was already deployed or refused.`,
          "Ask for a new upload URL (POST …/deployments/artifact/uploads) and PUT the archive to it.",
        );
      }
      try {
        // The bucket takes a PUT of any size: bounded here, as the direct route's body is, before it is read.
        if (staged.size > ARTIFACT_BODY_LIMIT) {
          throw new SlipwayError(
            "PAYLOAD_TOO_LARGE",
            `The uploaded archive is ${staged.size} bytes, more than the ${ARTIFACT_BODY_LIMIT} an artifact may be.`,
            "Deploy a smaller build.",
          );
        }
        const body = await deps.blobs.get(stagedKey(uploadId));
        const archive = Buffer.concat((await body?.toArray()) ?? []);
        const deployment = await deployArchive(deps, project, archive, c.req.query());
        return c.json(presentDeployment(deps, project, deployment), 202);
      } finally {
        await deps.blobs.delete(stagedKey(uploadId));
      }
    });
}

/** Narrows a BlobStore to one that hands out upload URLs. */
export function canHandOutUploadUrls(blobs: BlobStore): blobs is UploadingBlobs {
  return typeof blobs.uploadUrl === "function";
}
