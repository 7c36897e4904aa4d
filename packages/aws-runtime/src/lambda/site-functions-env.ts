import { SlipwayError } from "@slipway/core/errors";
import { EDGE_ENV } from "./edge-env.ts";

/**
 * What the steps function needs to run sites on Lambda (the AWS Deployer). Optional as a set:
 * until the stack has every piece (the site functions' role and secret, the assets bucket, the
 * ISR tag table and revalidation queue), deployments end `error` saying sites cannot run yet.
 */
export const SITE_FUNCTIONS_ENV = {
  /** The role every site function runs with (SiteFunctions construct). */
  roleArn: "SLIPWAY_SITE_FUNCTION_ROLE_ARN",
  /** The Secrets Manager secret holding what CloudFront sends in `x-slipway-origin-secret` (read at first use). */
  originSecretArn: "SLIPWAY_SITE_ORIGIN_SECRET_ARN",
  /** The bucket CloudFront serves static files from (the edge's: one name for both). */
  assetsBucket: EDGE_ENV.assetsBucket,
  /** OpenNext's tag cache table and revalidation FIFO queue, shared by every site. */
  cacheTable: "SLIPWAY_SITE_CACHE_TABLE",
  revalidationQueueUrl: "SLIPWAY_SITE_REVALIDATION_QUEUE_URL",
} as const;

export interface SiteFunctionsConfig {
  readonly roleArn: string;
  readonly originSecretArn: string;
  readonly assetsBucket: string;
  readonly cacheTable: string;
  readonly revalidationQueueUrl: string;
  /** The region the control plane runs in (Lambda sets AWS_REGION); site functions and caches share it. */
  readonly region: string;
}

type Name = keyof typeof SITE_FUNCTIONS_ENV;
const NAMES = Object.keys(SITE_FUNCTIONS_ENV) as Name[];

/**
 * The site functions' settings, or null until the stack sets every one of them: the pieces come
 * from several constructs (the role and origin secret, the edge's assets bucket, the ISR table
 * and queue), and a steps function without sites must still run builds.
 */
export function parseSiteFunctionsEnv(env: Readonly<Record<string, string | undefined>>): SiteFunctionsConfig | null {
  if (NAMES.some((name) => !env[SITE_FUNCTIONS_ENV[name]])) return null;
  const value = (name: Name) => String(env[SITE_FUNCTIONS_ENV[name]]);
  const region = env.AWS_REGION;
  if (!region) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      "The steps function has no AWS_REGION in its environment.",
      "Lambda sets it; outside Lambda, set it to the region the stack is deployed in.",
    );
  }
  return {
    roleArn: value("roleArn"),
    originSecretArn: value("originSecretArn"),
    assetsBucket: value("assetsBucket"),
    cacheTable: value("cacheTable"),
    revalidationQueueUrl: value("revalidationQueueUrl"),
    region,
  };
}
