import path from "node:path";
import { createLocalBuilder } from "@slipway/builder";
import { type BuildRequest, createMasker, credentialSecrets, type LogLine, type Masker } from "@slipway/core";
import type { BuildOutcome } from "../codebuild/build-variables.ts";
import { presignedArtifactStore } from "./artifact-upload.ts";
import { parseBuildRequest } from "./build-request.ts";
import { CACHE_LIMITS, packCache, unpackCache } from "./cache-archive.ts";
import { formatLogLine } from "./log-lines.ts";
import { getObject, putObject } from "./presigned-http.ts";
import type { RunnerEnv } from "./runner-env.ts";

export interface RunnerOptions {
  readonly env: RunnerEnv;
  /** Slipway's OpenNext config, shipped inside the bundle, and what it imports. */
  readonly openNextConfigPath: string;
  readonly readOnlyPaths: readonly string[];
  /** Where lines go: stdout, which CodeBuild writes to the project's log group. */
  readonly print: (line: string) => void;
  /** CodeBuild's stop (SIGTERM) aborts the build. */
  readonly signal: AbortSignal;
}

/**
 * One build in CodeBuild: the request through its presigned URL, the project's cache restored, the
 * SAME pipeline `slipway up` runs (packages/builder: clone → install → next build → OpenNext →
 * manifest → artifact), the artifact and the cache uploaded through their URLs, the outcome
 * written where `status` reads a failure's reason. No sandbox: the CodeBuild container is it (a
 * fresh one per build, unprivileged, the build role can only write logs); see docs/security.md.
 */
export async function runCodeBuildBuild(options: RunnerOptions): Promise<BuildOutcome> {
  const { env, print } = options;
  const system = (text: string) => print(formatLogLine({ at: new Date().toISOString(), stream: "system", text }));
  // Once the request is read: its secret values and repository credential, never in a reason.
  let hide: Masker = (text) => text;
  const onRequest = (request: BuildRequest) => {
    hide = createMasker([...request.mask, ...credentialSecrets(request.repoCredential)]);
  };
  // The pipeline logs its own failures (masked); a fault around it (request, URLs, a bug) here.
  const outcome = await build(options, system, onRequest).catch((error: unknown): BuildOutcome => {
    const reason = hide(`the CodeBuild builder failed: ${error instanceof Error ? error.message : String(error)}`);
    system(`✗ ${reason}`);
    return { ok: false, reason };
  });
  await putObject(env.resultUrl, Buffer.from(JSON.stringify(outcome)), "application/json");
  return outcome;
}

async function build(
  options: RunnerOptions,
  system: (text: string) => void,
  onRequest: (request: BuildRequest) => void,
): Promise<BuildOutcome> {
  const { env, print } = options;
  const body = await getObject(env.requestUrl, 1024 * 1024);
  if (!body) throw new Error("the build request is gone (or its URL expired)");
  // Held in memory only: the request's repository credential never touches this container's disk.
  const request = parseBuildRequest(body);
  onRequest(request);
  if (env.artifactKey !== `artifacts/${request.deploymentId}.tar`) {
    throw new Error(`the artifact key ${env.artifactKey} is not deployment ${request.deploymentId}'s`);
  }
  system(`▶ CodeBuild ${env.buildId ?? "(local run)"} building ${request.deploymentId}`);

  // Its own cache folder (the deployment id is checked by the artifact key's pattern): the archive
  // saved afterwards must hold this project's cache and nothing else.
  const cacheDir = path.join(env.root, "cache", request.deploymentId);
  await restoreCache(env.cacheGetUrl, cacheDir, system);
  const pipeline = createLocalBuilder({
    blobStore: presignedArtifactStore(env.artifactKey, env.artifactUrl),
    cacheDir,
    toolchainDir: path.join(env.root, "toolchain"),
    workDir: path.join(env.root, "work"),
    openNextConfigPath: options.openNextConfigPath,
    readOnlyPaths: [...options.readOnlyPaths],
    // The container is the sandbox: CodeBuild has no user namespaces for bubblewrap.
    sandbox: "none",
    network: "host",
  });
  const result = await pipeline.build({
    ...request,
    onLog: (line: Omit<LogLine, "seq">) => print(formatLogLine(line)),
    signal: options.signal,
  });
  if (!result.ok) return { ok: false, reason: result.reason };
  if (result.artifactKey !== env.artifactKey) throw new Error(`the pipeline stored ${result.artifactKey}`);
  await saveCache(env.cachePutUrl, cacheDir, system);
  return { ok: true, artifactKey: result.artifactKey };
}

/** A cache is a speed-up: a missing, broken or oversized one costs a cold build, never the build. */
async function restoreCache(url: string, dir: string, system: (text: string) => void) {
  try {
    const archive = await getObject(url, CACHE_LIMITS.downloadBytes);
    if (!archive) return system("Build cache: none yet (cold build)");
    await unpackCache(archive, dir);
    system(`✓ Build cache restored (${(archive.length / 1024 / 1024).toFixed(1)} MB)`);
  } catch (error) {
    system(`⚠ Build cache not restored (${error instanceof Error ? error.message : String(error)}): cold build`);
  }
}

async function saveCache(url: string, dir: string, system: (text: string) => void) {
  try {
    const archive = await packCache(dir);
    if (!archive) return;
    if (archive.length > CACHE_LIMITS.downloadBytes) {
      return system(`⚠ Build cache not saved: ${archive.length} bytes, over the ${CACHE_LIMITS.downloadBytes} kept`);
    }
    await putObject(url, archive, "application/gzip");
    system(`✓ Build cache saved (${(archive.length / 1024 / 1024).toFixed(1)} MB)`);
  } catch (error) {
    system(`⚠ Build cache not saved (${error instanceof Error ? error.message : String(error)})`);
  }
}
