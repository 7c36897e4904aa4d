/**
 * The environment a CodeBuild build gets from the start step (`environmentVariablesOverride`): the
 * contract between `codebuild/builder.ts` (which sets it) and the builder bundle CodeBuild runs
 * (`codebuild-runner/`, which reads it). Only keys and presigned URLs, never the request itself:
 * CodeBuild echoes these variables to anyone allowed `BatchGetBuilds`.
 */
export const BUILD_VARIABLES = {
  /** Where the request is (its key): the state-change event finds the deployment by it. */
  requestKey: "SLIPWAY_BUILD_REQUEST_KEY",
  /** Presigned GET of the request (repository, commit, settings, the build's env). */
  requestUrl: "SLIPWAY_BUILD_REQUEST_URL",
  /** Presigned PUT of the build's result (`{ ok, reason }`), read by `status` when a build failed. */
  resultUrl: "SLIPWAY_BUILD_RESULT_URL",
  /** The artifact's key; the build spec exports it when the build succeeds. */
  artifactKey: "SLIPWAY_ARTIFACT_KEY",
  /** Presigned PUT of the artifact at that key. */
  artifactUrl: "SLIPWAY_ARTIFACT_UPLOAD_URL",
  /** Presigned GET / PUT of the project's build cache archive. */
  cacheGetUrl: "SLIPWAY_CACHE_DOWNLOAD_URL",
  cachePutUrl: "SLIPWAY_CACHE_UPLOAD_URL",
} as const;

export const buildRequestKey = (deploymentId: string) => `build-requests/${deploymentId}/request.json`;
export const buildHandleKey = (deploymentId: string) => `build-requests/${deploymentId}/handle`;
export const buildResultKey = (deploymentId: string) => `build-requests/${deploymentId}/result.json`;
/** The result's key beside a request's key (what a build's environment holds). */
export const resultKeyOfRequestKey = (requestKey: string) => requestKey.replace(/\/request\.json$/, "/result.json");
/** One archive per project in the caches bucket (under the prefix `build-cache.ts` clears). */
export const buildCacheKey = (projectId: string) => `projects/${projectId}/build-cache.tar.gz`;

/** What the builder writes at the result URL. */
export type BuildOutcome = { ok: true; artifactKey: string } | { ok: false; reason: string };
