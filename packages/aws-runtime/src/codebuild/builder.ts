import {
  BatchGetBuildsCommand,
  type Build,
  CodeBuildClient,
  type CodeBuildClientConfig,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import type { BlobStore, Builder, BuildRequest, BuildStatus } from "@slipway/core";
import type { ObjectPresigner } from "../s3/presigner.ts";
import {
  BUILD_VARIABLES,
  type BuildOutcome,
  buildCacheKey,
  buildHandleKey,
  buildRequestKey,
  buildResultKey,
  resultKeyOfRequestKey,
} from "./build-variables.ts";

export interface CodeBuildBuilderOptions {
  /** The one shared CodeBuild project that runs Slipway's build steps (created by the CDK stack). */
  readonly projectName: string;
  /** The SDK client's config (region, credentials). */
  readonly client: CodeBuildClientConfig;
  /**
   * Where build requests wait for their build (the artifacts bucket, KMS-encrypted). A request
   * holds the env with its secrets, so it never goes into CodeBuild's own API, which echoes
   * environment variables back to anyone allowed BatchGetBuilds.
   */
  readonly requests: BlobStore;
  /**
   * Presigned URLs a build gets instead of credentials: the requests' bucket (its request, its
   * result, its artifact) and the caches bucket (its project's cache archive).
   */
  readonly presign: { readonly requests: ObjectPresigner; readonly caches: ObjectPresigner };
  /**
   * How long a build's URLs stay valid: they must outlast CodeBuild's queue (60 min) and the build
   * (30 min by default). URLs signed with temporary credentials (a Lambda role's) also end when
   * those credentials do. @default 3 h
   */
  readonly urlLifetimeSeconds?: number;
  /**
   * Copies a build's log lines into the LogStore on each status poll (codebuild/log-copy.ts);
   * absent, the lines stay in CodeBuild's log group only.
   */
  readonly copyLog?: (deploymentId: string, build: Build) => Promise<number>;
}

/** The env vars the build spec reads: where its request is, and the one it exports at the end. */
export const BUILD_REQUEST_KEY_VARIABLE = BUILD_VARIABLES.requestKey;
export const ARTIFACT_KEY_VARIABLE = BUILD_VARIABLES.artifactKey;
/** The key the builder bundle uploads the artifact to (the local builder's `artifacts/<id>.tar`). */
export const codeBuildArtifactKey = (deploymentId: string) => `artifacts/${deploymentId}.tar`;

const requestKey = buildRequestKey;
const handleKey = buildHandleKey;
/** CodeBuild build ids are `<project>:<uuid>`; anything else was never ours. */
const BUILD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}:[0-9a-f-]{36}$/;

async function text(blobs: BlobStore, key: string): Promise<string | null> {
  const stream = await blobs.get(key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The builder's own reason for a failed build (its result object), when it got to write one. */
async function reasonOf(blobs: BlobStore, build: Build): Promise<string | null> {
  const key = build.environment?.environmentVariables?.find((v) => v.name === BUILD_VARIABLES.requestKey)?.value;
  if (!key?.endsWith("/request.json")) return null;
  const body = await text(blobs, resultKeyOfRequestKey(key)).catch(() => null);
  if (!body) return null;
  try {
    // Written by code that ran beside the user's scripts: only a bounded string is taken from it.
    const outcome = JSON.parse(body) as Partial<BuildOutcome> | null;
    const reason = outcome && outcome.ok === false ? outcome.reason : null;
    return typeof reason === "string" && reason.length > 0 ? reason.slice(0, 2000) : null;
  } catch {
    return null;
  }
}

function statusOf(build: Build): BuildStatus {
  switch (build.buildStatus) {
    case "IN_PROGRESS":
      return { state: "running" };
    case "SUCCEEDED": {
      const exported = build.exportedEnvironmentVariables?.find((v) => v.name === ARTIFACT_KEY_VARIABLE)?.value;
      if (!exported) return { state: "failed", reason: `the build exported no ${ARTIFACT_KEY_VARIABLE}` };
      return { state: "succeeded", artifactKey: exported };
    }
    case "STOPPED":
      return { state: "failed", reason: "build canceled" };
    default: {
      // The failed phase's own message ("COMMAND_EXECUTION_ERROR: … exit status 1") says why.
      const failed = build.phases?.find((p) => p.phaseStatus && p.phaseStatus !== "SUCCEEDED" && p.contexts?.length);
      const context = failed?.contexts?.[0];
      const why = context ? `${context.statusCode ?? ""}: ${context.message ?? ""}`.trim() : "";
      return {
        state: "failed",
        reason: `CodeBuild ${build.buildStatus ?? "failed"} in ${failed?.phaseType ?? "build"}${why ? ` (${why})` : ""}`,
      };
    }
  }
}

/**
 * The Builder on CodeBuild. `start` is idempotent twice over: the deployment id is CodeBuild's
 * idempotency token (concurrent starts get one build), and the build id is recorded beside the
 * request, so a start redelivered hours later finds the build instead of starting another.
 */
export function createCodeBuildBuilder(options: CodeBuildBuilderOptions): Builder {
  const client = new CodeBuildClient(options.client);
  const get = async (handle: string): Promise<Build | null> => {
    if (!BUILD_ID.test(handle)) return null;
    const { builds = [] } = await client.send(new BatchGetBuildsCommand({ ids: [handle] }));
    return builds[0] ?? null;
  };
  const status = async (handle: string): Promise<BuildStatus> => {
    const build = await get(handle);
    if (!build) return { state: "lost", reason: `CodeBuild has no build ${JSON.stringify(handle)}` };
    await copyLog(build);
    const found = statusOf(build);
    if (found.state !== "failed" || build.buildStatus === "STOPPED") return found;
    // CodeBuild only knows "node index.mjs exited 1"; the builder wrote why (the pipeline's reason).
    return { state: "failed", reason: (await reasonOf(options.requests, build)) ?? found.reason };
  };
  // Before the state is answered, so a finished build's lines are in before the deployment moves on.
  const copyLog = async (build: Build) => {
    const key = build.environment?.environmentVariables?.find((v) => v.name === BUILD_VARIABLES.requestKey)?.value;
    const deploymentId = key?.match(/^build-requests\/([^/]+)\/request\.json$/)?.[1];
    if (!options.copyLog || !deploymentId) return;
    try {
      await options.copyLog(deploymentId, build);
    } catch (error) {
      // A log is not worth failing a build over: the next poll copies from the same position.
      console.log(
        `codebuild: log of ${deploymentId} not copied yet: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const lifetime = options.urlLifetimeSeconds ?? 3 * 3600;
  const variables = async (request: BuildRequest) => {
    const { requests, caches } = options.presign;
    const artifactKey = codeBuildArtifactKey(request.deploymentId);
    const cacheKey = buildCacheKey(request.projectId);
    const values: Record<string, string> = {
      [BUILD_VARIABLES.requestKey]: requestKey(request.deploymentId),
      [BUILD_VARIABLES.requestUrl]: await requests.get(requestKey(request.deploymentId), lifetime),
      [BUILD_VARIABLES.resultUrl]: await requests.put(buildResultKey(request.deploymentId), lifetime),
      [BUILD_VARIABLES.artifactKey]: artifactKey,
      [BUILD_VARIABLES.artifactUrl]: await requests.put(artifactKey, lifetime),
      [BUILD_VARIABLES.cacheGetUrl]: await caches.get(cacheKey, lifetime),
      [BUILD_VARIABLES.cachePutUrl]: await caches.put(cacheKey, lifetime),
    };
    return Object.entries(values).map(([name, value]) => ({ name, value, type: "PLAINTEXT" as const }));
  };

  return {
    name: "codebuild",
    async start(request: BuildRequest) {
      const recorded = await text(options.requests, handleKey(request.deploymentId));
      if (recorded && (await status(recorded)).state !== "lost") return recorded;
      await options.requests.put(requestKey(request.deploymentId), Buffer.from(JSON.stringify(request)));
      const { build } = await client.send(
        new StartBuildCommand({
          projectName: options.projectName,
          // A replaced (lost) build needs a new token: CodeBuild would hand back the lost one.
          idempotencyToken: recorded ? `${request.deploymentId}-after-${recorded.split(":")[1]}` : request.deploymentId,
          // Keys and presigned URLs only; the request (with the env's secrets) stays in the bucket.
          environmentVariablesOverride: await variables(request),
        }),
      );
      if (!build?.id) throw new Error(`CodeBuild started no build for deployment ${request.deploymentId}`);
      await options.requests.put(handleKey(request.deploymentId), Buffer.from(build.id));
      return build.id;
    },
    status,
    async cancel(handle) {
      const build = await get(handle);
      if (build?.buildStatus !== "IN_PROGRESS") return;
      try {
        await client.send(new StopBuildCommand({ id: handle }));
      } catch (error) {
        // It finished between the look and the stop: nothing left to cancel.
        if ((error as { name?: string }).name !== "InvalidInputException") throw error;
      }
    },
  };
}
