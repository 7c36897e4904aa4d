import { SERVER_ENTRY_ENV } from "../server-function/entry-env.ts";

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
  readonly siteId: string;
  /** Where the sealed environment (sealServerEnv) is, and the KMS key it is sealed under. */
  readonly envBucket: string;
  readonly envKey: string;
  readonly kmsKeyArn: string;
  readonly originSecret: string;
  readonly caches: SiteCaches;
}

/** Per site: OpenNext prefixes S3 cache keys with the build id, so sites only need their own folder. */
export function cacheKeyPrefix(siteId: string): string {
  return `cache/${siteId}/`;
}

/**
 * The environment of a site's Lambda functions: pointers only, never the app's variables (those
 * are in the sealed blob the server entry loads at cold start), because Lambda allows 4 KB of
 * environment in all. The names are the entry's (SERVER_ENTRY_ENV): it parses what is set here.
 */
export function siteFunctionEnv(input: SiteEnvInput): Record<string, string> {
  // The deployment id and the other system variables are in the sealed blob, as the local host sets them.
  return {
    [SERVER_ENTRY_ENV.envBucket]: input.envBucket,
    [SERVER_ENTRY_ENV.envKey]: input.envKey,
    [SERVER_ENTRY_ENV.envKmsKeyId]: input.kmsKeyArn,
    [SERVER_ENTRY_ENV.originSecret]: input.originSecret,
    CACHE_BUCKET_NAME: input.caches.bucket,
    CACHE_BUCKET_KEY_PREFIX: cacheKeyPrefix(input.siteId),
    CACHE_BUCKET_REGION: input.caches.region,
    CACHE_DYNAMO_TABLE: input.caches.table,
    REVALIDATION_QUEUE_URL: input.caches.queueUrl,
    REVALIDATION_QUEUE_REGION: input.caches.region,
  };
}

export interface ImageEnvInput {
  readonly originSecret: string;
  /** Where the deployment's static files are (the assets bucket, `assets/<deploymentId>`). */
  readonly assetsBucket: string;
  readonly assetsPrefix: string;
}

/**
 * The environment of a deployment's image function: the origin secret its entry checks, and
 * where OpenNext's S3 image loader reads the originals (`BUCKET_NAME`, `BUCKET_KEY_PREFIX`, its
 * names; `OPEN_NEXT_AWS_ENV.imageLoader`): the deployment's own static files, where `activate`
 * uploads them. Nothing of the server's: the image function reads no cache and no env snapshot.
 */
export function imageFunctionEnv(input: ImageEnvInput): Record<string, string> {
  return {
    [SERVER_ENTRY_ENV.originSecret]: input.originSecret,
    BUCKET_NAME: input.assetsBucket,
    BUCKET_KEY_PREFIX: input.assetsPrefix,
  };
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
