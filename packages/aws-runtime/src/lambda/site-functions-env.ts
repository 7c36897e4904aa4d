import { SlipwayError } from "@slipway/core/errors";

/**
 * What the steps function needs to run sites on Lambda (the AWS Deployer). Optional as a set:
 * until the stack has every piece (the site functions' role and secret, the assets bucket, the
 * ISR tag table and revalidation queue), deployments end `error` saying sites cannot run yet.
 */
export const SITE_FUNCTIONS_ENV = {
  /** The role every site function runs with (SiteFunctions construct). */
  roleArn: "SLIPWAY_SITE_FUNCTION_ROLE_ARN",
  /** The value CloudFront sends in `x-slipway-origin-secret`; the server entry refuses requests without it. */
  originSecret: "SLIPWAY_SITE_ORIGIN_SECRET",
  /** The bucket CloudFront serves static files from. */
  assetsBucket: "SLIPWAY_SITE_ASSETS_BUCKET",
  /** OpenNext's tag cache table and revalidation FIFO queue, shared by every site. */
  cacheTable: "SLIPWAY_SITE_CACHE_TABLE",
  revalidationQueueUrl: "SLIPWAY_SITE_REVALIDATION_QUEUE_URL",
} as const;

export interface SiteFunctionsConfig {
  readonly roleArn: string;
  readonly originSecret: string;
  readonly assetsBucket: string;
  readonly cacheTable: string;
  readonly revalidationQueueUrl: string;
  /** The region the control plane runs in (Lambda sets AWS_REGION); site functions and caches share it. */
  readonly region: string;
}

type Name = keyof typeof SITE_FUNCTIONS_ENV;
const NAMES = Object.keys(SITE_FUNCTIONS_ENV) as Name[];

/**
 * The site functions' settings, or null when the stack sets none of them (sites not deployed by
 * this installation yet). Some but not all is a broken stack: the missing ones are named.
 */
export function parseSiteFunctionsEnv(env: Readonly<Record<string, string | undefined>>): SiteFunctionsConfig | null {
  const present = NAMES.filter((name) => env[SITE_FUNCTIONS_ENV[name]]);
  if (present.length === 0) return null;
  const missing = NAMES.filter((name) => !env[SITE_FUNCTIONS_ENV[name]]).map((name) => SITE_FUNCTIONS_ENV[name]);
  if (missing.length > 0) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The steps function has ${present.map((n) => SITE_FUNCTIONS_ENV[n]).join(", ")} but not ${missing.join(", ")}.`,
      "The Slipway CDK stack sets all of them together: deploy with `slipway aws deploy`.",
    );
  }
  const value = (name: Name) => String(env[SITE_FUNCTIONS_ENV[name]]);
  if (value("originSecret").length < 32) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${SITE_FUNCTIONS_ENV.originSecret} is ${value("originSecret").length} characters long, too short to be a secret.`,
      "The stack generates a 48-character value in Secrets Manager; do not set it by hand.",
    );
  }
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
    originSecret: value("originSecret"),
    assetsBucket: value("assetsBucket"),
    cacheTable: value("cacheTable"),
    revalidationQueueUrl: value("revalidationQueueUrl"),
    region,
  };
}
