import type { BuildRequest } from "@slipway/core";

/**
 * The request the start step wrote (codebuild/builder.ts) as the build reads it back. Our own
 * writing, in a bucket the build cannot write, but checked all the same: a wrong shape here is a
 * version skew between the control plane and the bundle, better named than crashed on.
 */
export function parseBuildRequest(body: Buffer): BuildRequest {
  const value = JSON.parse(body.toString("utf8")) as Record<string, unknown> | null;
  const strings = ["deploymentId", "projectId", "repoUrl", "sha", "rootDir", "nodeVersion"] as const;
  for (const name of strings) {
    if (typeof value?.[name] !== "string") throw new Error(`the build request has no ${name}`);
  }
  const env = value?.env as Record<string, unknown> | undefined;
  if (!env || typeof env !== "object" || Object.values(env).some((v) => typeof v !== "string")) {
    throw new Error("the build request's env is not a map of strings");
  }
  const mask = value?.mask;
  if (!Array.isArray(mask) || mask.some((v) => typeof v !== "string")) {
    throw new Error("the build request's mask is not a list of strings");
  }
  return value as unknown as BuildRequest;
}
