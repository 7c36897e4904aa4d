import { SlipwayError } from "@slipway/core/errors";
import { parseSiteFunctionsEnv, type SiteFunctionsConfig } from "./site-functions-env.ts";

export { CANARY_ALARM_PREFIX } from "../canary/alarm-names.ts";
export { SITE_FUNCTION_PREFIX, SITE_LOG_GROUP_PREFIX } from "../deployer/names.ts";
export { SITE_COSTS_ENV } from "./site-costs-env.ts";
export { SITE_FUNCTIONS_ENV } from "./site-functions-env.ts";

/**
 * The environment variables the CDK stack gives the control-plane functions: the contract between
 * packages/aws (which sets them) and these handlers (which parse them once, at cold start).
 * packages/aws re-exports this object as `@slipway/aws/config`, so the two cannot drift.
 */
export const CONTROL_PLANE_ENV = {
  /** The single DynamoDB table (keys pk/sk, gsi1pk/gsi1sk, gsi2pk/gsi2sk, TTL expiresAt). */
  tableName: "SLIPWAY_TABLE_NAME",
  artifactsBucket: "SLIPWAY_ARTIFACTS_BUCKET",
  cachesBucket: "SLIPWAY_CACHES_BUCKET",
  /** The step queue's URL (steps, and CodeBuild state changes from EventBridge). */
  stepsQueueUrl: "SLIPWAY_STEPS_QUEUE_URL",
  /** The KMS key for envelope encryption of env vars and secrets. */
  kmsKeyArn: "SLIPWAY_KMS_KEY_ARN",
  buildProjectName: "SLIPWAY_BUILD_PROJECT",
  /** Only the API gets it: the Secrets Manager secret holding the first admin token. */
  adminTokenSecretArn: "SLIPWAY_ADMIN_TOKEN_SECRET_ARN",
} as const;

/** Set by the stack where known; absent, site URLs use the defaults below (no per-site edge yet). */
export const OPTIONAL_CONTROL_PLANE_ENV = {
  /** The API's public base URL (webhook URLs are built from it). */
  apiUrl: "SLIPWAY_API_URL",
  /** The domain site hostnames live under (`<project>.<domain>`). */
  sitesDomain: "SLIPWAY_SITES_DOMAIN",
  /** Custom domains: the multi-tenant distribution each site's tenant joins, and its connection group. */
  tenantDistributionId: "SLIPWAY_TENANT_DISTRIBUTION_ID",
  connectionGroupId: "SLIPWAY_CONNECTION_GROUP_ID",
  /** GitHub's API (commit statuses): a GitHub Enterprise server's. @default https://api.github.com */
  githubApiUrl: "SLIPWAY_GITHUB_API_URL",
  /** `on` when the stack has an edge to split traffic (set on the API and the steps): canary releases. */
  canaryReleases: "SLIPWAY_CANARY_RELEASES",
} as const;

/** Which function is starting: only the API needs the admin token's secret. */
export type ControlPlaneRole = "api" | "steps" | "outbox" | "revalidator";

export interface ControlPlaneConfig {
  readonly tableName: string;
  readonly artifactsBucket: string;
  readonly cachesBucket: string;
  readonly stepsQueueUrl: string;
  readonly kmsKeyArn: string;
  readonly buildProjectName: string;
  /** Only for the API. */
  readonly adminTokenSecretArn: string | null;
  readonly apiUrl: string | null;
  readonly sitesDomain: string | null;
  readonly tenantDistributionId?: string | null;
  readonly connectionGroupId?: string | null;
  readonly githubApiUrl: string | null;
  /** Only for the steps function, once the stack runs sites on Lambda (SITE_FUNCTIONS_ENV). */
  readonly sites?: SiteFunctionsConfig | null;
  /** Canary releases are offered (the stack has an edge): `promote --canary` is accepted. */
  readonly canaryReleases?: boolean;
}

type Name = keyof typeof CONTROL_PLANE_ENV;
const ALWAYS: readonly Name[] = [
  "tableName",
  "artifactsBucket",
  "cachesBucket",
  "stepsQueueUrl",
  "kmsKeyArn",
  "buildProjectName",
];
/** What each function cannot start without (the outbox relay only sends to the step queue). */
const REQUIRED: Record<ControlPlaneRole, readonly Name[]> = {
  api: [...ALWAYS, "adminTokenSecretArn"],
  steps: ALWAYS,
  outbox: ["stepsQueueUrl"],
  // Reads aliases (host → deployment) and the preview mode ids the Deployer stored with the artifacts.
  revalidator: ["tableName", "artifactsBucket"],
};

/**
 * Reads the function's configuration from its environment, once. Every variable the role needs
 * must be a non-empty string without surrounding space; the first one that is not is named.
 */
export function parseControlPlaneEnv(
  env: Readonly<Record<string, string | undefined>>,
  role: ControlPlaneRole,
): ControlPlaneConfig {
  const read = (variable: string, required: boolean): string | null => {
    const value = env[variable];
    if (value === undefined || value === "") {
      if (!required) return null;
      throw new SlipwayError(
        "INVALID_CONFIG",
        `The ${role} function has no ${variable} in its environment.`,
        "The Slipway CDK stack sets it: deploy the functions with `slipway aws deploy`, not by hand.",
      );
    }
    if (value.trim() !== value) {
      throw new SlipwayError(
        "INVALID_CONFIG",
        `${variable} has spaces around its value ${JSON.stringify(value)}.`,
        "Set it to the bare name, URL or ARN.",
      );
    }
    return value;
  };
  const required = new Set(REQUIRED[role]);
  const value = (name: Name) => read(CONTROL_PLANE_ENV[name], required.has(name)) ?? "";
  const httpUrl = (variable: string, example: string) => {
    const url = read(variable, false);
    if (url !== null && !/^https?:\/\/[^/\s]+/.test(url)) {
      throw new SlipwayError(
        "INVALID_CONFIG",
        `${variable} is not an http(s) URL: ${JSON.stringify(url)}.`,
        `Set it to a base URL, e.g. ${example}.`,
      );
    }
    return url?.replace(/\/+$/, "") ?? null;
  };
  const apiUrl = httpUrl(OPTIONAL_CONTROL_PLANE_ENV.apiUrl, "https://abc123.execute-api.eu-west-1.amazonaws.com");
  return {
    tableName: value("tableName"),
    artifactsBucket: value("artifactsBucket"),
    cachesBucket: value("cachesBucket"),
    stepsQueueUrl: value("stepsQueueUrl"),
    kmsKeyArn: value("kmsKeyArn"),
    buildProjectName: value("buildProjectName"),
    adminTokenSecretArn: read(CONTROL_PLANE_ENV.adminTokenSecretArn, required.has("adminTokenSecretArn")),
    apiUrl,
    sitesDomain: read(OPTIONAL_CONTROL_PLANE_ENV.sitesDomain, false),
    tenantDistributionId: read(OPTIONAL_CONTROL_PLANE_ENV.tenantDistributionId, false),
    connectionGroupId: read(OPTIONAL_CONTROL_PLANE_ENV.connectionGroupId, false),
    githubApiUrl: httpUrl(OPTIONAL_CONTROL_PLANE_ENV.githubApiUrl, "https://github.example.com/api/v3"),
    sites: role === "steps" ? parseSiteFunctionsEnv(env) : null,
    canaryReleases: env[OPTIONAL_CONTROL_PLANE_ENV.canaryReleases] === "on",
  };
}
export { EDGE_ENV } from "./edge-env.ts";
