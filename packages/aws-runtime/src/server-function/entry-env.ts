import { SlipwayError } from "@slipway/core/errors";
import type { SnapshotLocation } from "./env-snapshot.ts";

/** What the AWS Deployer sets on a site's functions (besides OpenNext's cache and queue variables). */
export const SERVER_ENTRY_ENV = {
  /** The value CloudFront sends in `x-slipway-origin-secret` (server and image functions). */
  originSecret: "SLIPWAY_ORIGIN_SECRET",
  /** Where the sealed environment is (env-snapshot.ts); server function only. */
  envBucket: "SLIPWAY_ENV_BUCKET",
  envKey: "SLIPWAY_ENV_KEY",
  envKmsKeyId: "SLIPWAY_ENV_KMS_KEY_ID",
} as const;

/** The files the Deployer puts beside OpenNext's `index.mjs`, and the Lambda handlers naming them. */
export const SERVER_ENTRY_FILE = "slipway-lambda.mjs";
export const SERVER_ENTRY_HANDLER = "slipway-lambda.handler";
export const IMAGE_ENTRY_FILE = "slipway-image-lambda.mjs";
export const IMAGE_ENTRY_HANDLER = "slipway-image-lambda.handler";
/**
 * Where the steps function (which runs the Deployer) finds the built entry files: this folder
 * inside its own bundle (build.mjs builds them there; packages/aws checks they are there).
 */
export const SITE_ENTRIES_FOLDER = "site-entries";

/** Read once at cold start; a missing variable is named (the function then refuses to start). */
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `Site function env ${name} is not set`,
      `The AWS Deployer sets ${Object.values(SERVER_ENTRY_ENV).join(", ")} on every server function (the image function gets ${SERVER_ENTRY_ENV.originSecret}).`,
    );
  }
  return value;
}

export const parseOriginSecret = (env: NodeJS.ProcessEnv): string => required(env, SERVER_ENTRY_ENV.originSecret);

export function parseSnapshotLocation(env: NodeJS.ProcessEnv): SnapshotLocation {
  return {
    bucket: required(env, SERVER_ENTRY_ENV.envBucket),
    key: required(env, SERVER_ENTRY_ENV.envKey),
    kmsKeyId: required(env, SERVER_ENTRY_ENV.envKmsKeyId),
  };
}
