import { readFile } from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "@slipway/core";

/**
 * Next regenerates a page for a revalidation request only when `x-prerender-revalidate` carries
 * the build's `previewModeId` (in `.next/prerender-manifest.json`). One revalidator serves every
 * site, so it cannot read it from its own bundle as OpenNext's does: the Deployer stores each
 * deployment's at activation, in the artifacts bucket under this key, and the revalidator reads it.
 */
export const previewModeIdKey = (deploymentId: string): string => `deployments/${deploymentId}/preview-mode-id`;

const PREVIEW_MODE_ID = /^[0-9a-f]{16,128}$/;

/** From an unpacked server function (`server-functions/default`); the build's output is untrusted. */
export async function readPreviewModeId(serverDir: string): Promise<string> {
  const file = path.join(serverDir, ".next", "prerender-manifest.json");
  const manifest = JSON.parse(await readFile(file, "utf8")) as { preview?: { previewModeId?: unknown } };
  const id = manifest.preview?.previewModeId;
  if (typeof id !== "string" || !PREVIEW_MODE_ID.test(id)) {
    throw new Error(`${file} has no valid preview.previewModeId`);
  }
  return id;
}

/** What the Deployer calls when it activates a deployment. */
export async function recordPreviewModeId(blobs: BlobStore, deploymentId: string, serverDir: string): Promise<void> {
  await blobs.put(previewModeIdKey(deploymentId), Buffer.from(await readPreviewModeId(serverDir)));
}

/** Null when the deployment has none recorded (deleted, or deployed before revalidation existed). */
export async function loadPreviewModeId(blobs: BlobStore, deploymentId: string): Promise<string | null> {
  const body = await blobs.get(previewModeIdKey(deploymentId));
  if (!body) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  const id = Buffer.concat(chunks).toString("utf8");
  return PREVIEW_MODE_ID.test(id) ? id : null;
}
