import path from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { BUILD_VARIABLES } from "../codebuild/build-variables.ts";

/** What the builder bundle needs from its environment (the start step's overrides, CodeBuild's own). */
export interface RunnerEnv {
  readonly requestUrl: string;
  readonly resultUrl: string;
  readonly artifactKey: string;
  readonly artifactUrl: string;
  readonly cacheGetUrl: string;
  readonly cachePutUrl: string;
  /** Scratch space for the build, its caches and the toolchain: `$SLIPWAY_BUILD_ROOT`, else `<tmp>/slipway`. */
  readonly root: string;
  /** The CodeBuild build id, for the log's first line (absent outside CodeBuild). */
  readonly buildId: string | null;
}

/** Every URL must be https (plain http only to a loopback emulator, as in tests). */
function url(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  let parsed: URL | null = null;
  try {
    parsed = value ? new URL(value) : null;
  } catch {
    parsed = null;
  }
  const loopback = parsed?.hostname === "127.0.0.1" || parsed?.hostname === "localhost";
  if (!parsed || !(parsed.protocol === "https:" || (parsed.protocol === "http:" && loopback))) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${name} is ${value ? "not an https URL" : "not set"}`,
      "The build's start step sets it (codebuild/builder.ts); run the builder bundle only from that step.",
    );
  }
  return parsed.href;
}

export function parseRunnerEnv(env: NodeJS.ProcessEnv, tmpDir: string): RunnerEnv {
  const artifactKey = env[BUILD_VARIABLES.artifactKey] ?? "";
  if (!/^artifacts\/[A-Za-z0-9_-]+\.tar$/.test(artifactKey)) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${BUILD_VARIABLES.artifactKey} is ${JSON.stringify(artifactKey)}, not artifacts/<deployment>.tar`,
      "The build's start step sets it (codebuild/builder.ts).",
    );
  }
  return {
    requestUrl: url(env, BUILD_VARIABLES.requestUrl),
    resultUrl: url(env, BUILD_VARIABLES.resultUrl),
    artifactKey,
    artifactUrl: url(env, BUILD_VARIABLES.artifactUrl),
    cacheGetUrl: url(env, BUILD_VARIABLES.cacheGetUrl),
    cachePutUrl: url(env, BUILD_VARIABLES.cachePutUrl),
    root: env.SLIPWAY_BUILD_ROOT || path.join(tmpDir, "slipway"),
    buildId: env.CODEBUILD_BUILD_ID || null,
  };
}
