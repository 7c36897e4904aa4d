import path from "node:path";
import { SlipwayError } from "../../../core/src/errors.ts";
import { AWS_BACKENDS_GLOBAL, OPEN_NEXT_AWS_ENV, RUNTIME_ENV } from "../../../core/src/runtime-contract.ts";

/**
 * The overrides run inside the server bundle, wherever it runs (a Slipway worker process or a
 * Lambda). The bundle is the same everywhere, so the backend is chosen at run time from these
 * variables (set by the local function host, or by the AWS Deployer) instead of at build time.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    // Fail loudly: a silent fallback would write the cache somewhere nobody looks.
    throw new Error(`Slipway OpenNext override: env ${name} is not set (the function host sets it)`);
  }
  return value;
}

export const cacheDir = (): string => requireEnv(RUNTIME_ENV.cacheDir);
export const assetsDir = (): string => requireEnv(RUNTIME_ENV.assetsDir);
export const revalidateOrigin = (): string => requireEnv(RUNTIME_ENV.revalidateOrigin);

export type Backend = "local" | "aws";
export type OverridePort = keyof typeof OPEN_NEXT_AWS_ENV;

const LOCAL_ENV: Record<OverridePort, readonly string[]> = {
  incrementalCache: [RUNTIME_ENV.cacheDir],
  tagCache: [RUNTIME_ENV.cacheDir],
  queue: [RUNTIME_ENV.revalidateOrigin],
  imageLoader: [RUNTIME_ENV.assetsDir],
};

/**
 * Local when the function host's variable is set; AWS when all of OpenNext's are; otherwise an
 * error naming what is missing (from the set that was partly given, or both sets when neither was).
 */
export function backendFor(port: OverridePort, env: NodeJS.ProcessEnv = process.env): Backend {
  const missing = (names: readonly string[]) => names.filter((name) => !env[name]);
  const local = LOCAL_ENV[port];
  const aws = OPEN_NEXT_AWS_ENV[port];
  if (missing(local).length === 0) return "local";
  const awsMissing = missing(aws);
  if (awsMissing.length === 0) return "aws";
  const awsStarted = awsMissing.length < aws.length;
  throw new SlipwayError(
    "INVALID_CONFIG",
    awsStarted
      ? `Slipway OpenNext ${port}: env ${awsMissing.join(", ")} is not set (OpenNext's AWS backend needs ${aws.join(", ")})`
      : `Slipway OpenNext ${port}: env ${local.join(", ")} is not set, nor ${aws.join(", ")}`,
    "The local function host sets the SLIPWAY_* variables; the AWS Deployer sets OpenNext's on the Lambda. Set one complete set.",
  );
}

/**
 * OpenNext's AWS backend for `port`, as the Lambda entry (`slipway-lambda.mjs`, bundled by
 * packages/aws-runtime) provides it: a bundle of its own, so the artifact carries no AWS SDK.
 */
export async function awsBackend<T>(port: OverridePort): Promise<T> {
  const backends = (globalThis as Record<string, unknown>)[AWS_BACKENDS_GLOBAL] as
    | Partial<Record<OverridePort, () => Promise<unknown>>>
    | undefined;
  const load = backends?.[port];
  if (!load) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `Slipway OpenNext ${port}: OpenNext's AWS env is set but no AWS backend was installed (globalThis.${AWS_BACKENDS_GLOBAL})`,
      "On Lambda the handler must be Slipway's entry (slipway-lambda.handler), which installs them, not index.handler.",
    );
  }
  return (await load()) as T;
}

/** Resolves once, on first use (never at import: OpenNext imports the overrides at build time). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/** Joins `rel` under `root` and refuses anything that would land outside it. */
export function safeJoin(root: string, rel: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, `.${path.posix.sep}${rel.replace(/\\/g, "/")}`);
  if (full !== base && !full.startsWith(base + path.sep)) {
    throw new Error(`Slipway OpenNext override: path escapes its root: ${rel}`);
  }
  return full;
}
