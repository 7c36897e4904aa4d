/**
 * The environment of a site's Lambda functions: pointers only, never the app's variables (those
 * stay in the deployment's encrypted snapshot, loaded by the server entry at cold start), because
 * Lambda allows 4 KB of environment in all. The names are the contract with that entry.
 */
export const SITE_FUNCTION_ENV = {
  deploymentId: "SLIPWAY_DEPLOYMENT_ID",
  siteId: "SLIPWAY_SITE_ID",
  /** Bucket and key of the deployment's env snapshot (KMS envelope ciphertext, core's format). */
  envSnapshotBucket: "SLIPWAY_ENV_SNAPSHOT_BUCKET",
  envSnapshotKey: "SLIPWAY_ENV_SNAPSHOT_KEY",
  kmsKeyArn: "SLIPWAY_KMS_KEY_ARN",
  /** The value CloudFront sends in ORIGIN_SECRET_HEADER; requests without it are refused. */
  originSecret: "SLIPWAY_ORIGIN_SECRET",
} as const;

/** The header CloudFront adds to every origin request (a public function URL is otherwise open). */
export const ORIGIN_SECRET_HEADER = "x-slipway-origin-secret";

/** Lambda's limit on a function's environment: keys and values together. */
export const LAMBDA_ENV_LIMIT = 4 * 1024;

/** The shared ISR backends (OpenNext's own variable names), one set for every site. */
export interface SiteCaches {
  readonly bucket: string;
  readonly table: string;
  readonly queueUrl: string;
  readonly region: string;
}

export interface SiteEnvInput {
  readonly deploymentId: string;
  readonly siteId: string;
  readonly envSnapshotBucket: string;
  /** Null when the deployment was built without variables: the entry then loads none. */
  readonly envSnapshotKey: string | null;
  readonly kmsKeyArn: string;
  readonly originSecret: string;
  readonly caches: SiteCaches;
}

/** Per site: OpenNext prefixes S3 cache keys with the build id, so sites only need their own folder. */
export function cacheKeyPrefix(siteId: string): string {
  return `cache/${siteId}/`;
}

export function siteFunctionEnv(input: SiteEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    [SITE_FUNCTION_ENV.deploymentId]: input.deploymentId,
    [SITE_FUNCTION_ENV.siteId]: input.siteId,
    [SITE_FUNCTION_ENV.envSnapshotBucket]: input.envSnapshotBucket,
    [SITE_FUNCTION_ENV.kmsKeyArn]: input.kmsKeyArn,
    [SITE_FUNCTION_ENV.originSecret]: input.originSecret,
    CACHE_BUCKET_NAME: input.caches.bucket,
    CACHE_BUCKET_KEY_PREFIX: cacheKeyPrefix(input.siteId),
    CACHE_BUCKET_REGION: input.caches.region,
    CACHE_DYNAMO_TABLE: input.caches.table,
    REVALIDATION_QUEUE_URL: input.caches.queueUrl,
    REVALIDATION_QUEUE_REGION: input.caches.region,
  };
  if (input.envSnapshotKey) env[SITE_FUNCTION_ENV.envSnapshotKey] = input.envSnapshotKey;
  return env;
}

/** Bytes of the environment as Lambda counts it (keys and values, UTF-8); JSON overhead included, to err on the safe side. */
export function envSize(env: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(env), "utf8");
}

/** Why an environment cannot be set, or null when it fits. */
export function envTooLarge(env: Record<string, string>): string | null {
  const size = envSize(env);
  if (size <= LAMBDA_ENV_LIMIT) return null;
  const largest = Object.entries(env).sort((a, b) => b[1].length - a[1].length)[0];
  return (
    `the function environment is ${size} bytes, over Lambda's ${LAMBDA_ENV_LIMIT}-byte limit ` +
    `(largest: ${largest?.[0]}, ${largest?.[1].length} characters); shorten the configured names`
  );
}
