import { isSlipwayError } from "@slipway/core/errors";
import type { DashboardArtifact } from "@slipway/platform";
import type { ApiClient } from "../client.ts";

/** The reserved project (platform's DASHBOARD_PROJECT, repeated so the CLI need not load the platform to name it). */
export const DASHBOARD_PROJECT = "slipway";

/** Where the dashboard is served on AWS: a Slipway site like any other, on the sites domain. */
export function dashboardUrl(sitesDomain: string): string {
  return `https://${DASHBOARD_PROJECT}.${sitesDomain}`;
}

export interface DashboardDeployment {
  url: string;
  deploymentId: string;
  status: string;
}

/**
 * Deploys the dashboard as the reserved project's next production deployment: the project is made
 * on first use (by the admin token, so the first account to sign up owns it), then the artifact
 * goes through the admin's "deploy an artifact" route and the pipeline activates it like any
 * build. Each call is a new immutable deployment, so `slipway rollback --project slipway` works.
 */
export async function deployDashboardSite(
  api: ApiClient,
  sitesDomain: string,
  build: () => Promise<DashboardArtifact>,
): Promise<DashboardDeployment> {
  const artifact = await build();
  await ensureProject(api, artifact.repo);
  const deployment = await uploadArtifact(api, artifact.archive);
  return { url: dashboardUrl(sitesDomain), deploymentId: deployment.id, status: deployment.status };
}

interface UploadOffer {
  uploadId: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * Through the bucket when the API offers it (on AWS: API Gateway takes 10 MB a request, Lambda
 * 6 MB, the dashboard is 13 MB): ask for an upload URL, PUT the archive there, have the API check
 * and deploy it. An API whose store hands out no upload URLs (local) has no such route, answers
 * 404 NOT_FOUND, and takes the archive in the request itself.
 */
async function uploadArtifact(api: ApiClient, archive: Buffer): Promise<{ id: string; status: string }> {
  const artifactPath = `/api/v1/projects/${DASHBOARD_PROJECT}/deployments/artifact`;
  let offer: UploadOffer;
  try {
    offer = await api.request<UploadOffer>("POST", `${artifactPath}/uploads`);
  } catch (error) {
    if (!(isSlipwayError(error) && error.code === "NOT_FOUND")) throw error;
    return api.upload(`${artifactPath}?environment=production`, archive, "application/gzip");
  }
  await api.putTo(offer.url, archive, offer.headers);
  return api.request("POST", `${artifactPath}/uploads/${encodeURIComponent(offer.uploadId)}?environment=production`);
}

async function ensureProject(api: ApiClient, repo: string): Promise<void> {
  try {
    await api.request("POST", "/api/v1/projects", { name: DASHBOARD_PROJECT, repo });
  } catch (error) {
    // Made by an earlier deploy or upgrade: it keeps its settings and its team.
    if (!(isSlipwayError(error) && error.code === "PROJECT_EXISTS")) throw error;
  }
}
