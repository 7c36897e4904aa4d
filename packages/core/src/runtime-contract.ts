/**
 * What a running deployment's server function can rely on, whatever runs it. The builder bakes
 * OpenNext overrides into the bundle that read these variables; the local function host and the
 * AWS deployer set them. Keeping the names here stops the two sides drifting apart.
 */
export const RUNTIME_ENV = {
  /** Writable folder for the incremental cache and tag cache (local target). */
  cacheDir: "SLIPWAY_CACHE_DIR",
  /** Read-only folder of the deployment's static assets, for the image optimizer (local target). */
  assetsDir: "SLIPWAY_ASSETS_DIR",
  /** Origin (scheme://host:port) that ISR revalidation requests are sent to. */
  revalidateOrigin: "SLIPWAY_REVALIDATE_ORIGIN",
} as const;

/** System variables every deployment sees, Vercel-style. */
export const SYSTEM_ENV = {
  env: "SLIPWAY_ENV",
  url: "SLIPWAY_URL",
  sha: "SLIPWAY_GIT_COMMIT_SHA",
  branch: "SLIPWAY_GIT_BRANCH",
  deploymentId: "SLIPWAY_DEPLOYMENT_ID",
  /** The platform's API (public: webhooks point at it); the dashboard, deployed as a site, calls it. */
  apiUrl: "SLIPWAY_API_URL",
} as const;

/**
 * OpenNext's own variables for its AWS backends (S3 incremental cache, DynamoDB tag cache, SQS
 * revalidation queue, S3 image loader). The AWS Deployer sets them on the Lambda; when the local
 * variables above are absent and these are all set, the overrides delegate to OpenNext's backends,
 * which the Lambda entry (`slipway-lambda.mjs`) puts on `globalThis[AWS_BACKENDS_GLOBAL]`.
 */
export const OPEN_NEXT_AWS_ENV = {
  incrementalCache: ["CACHE_BUCKET_NAME", "CACHE_BUCKET_KEY_PREFIX", "CACHE_BUCKET_REGION"],
  tagCache: ["CACHE_DYNAMO_TABLE", "CACHE_BUCKET_REGION"],
  queue: ["REVALIDATION_QUEUE_URL", "REVALIDATION_QUEUE_REGION"],
  imageLoader: ["BUCKET_NAME", "BUCKET_KEY_PREFIX"],
} as const;

/**
 * The global through which the Lambda entry hands OpenNext's AWS backends to the overrides. They
 * live in the entry's bundle, not in the artifact's: bundled into the artifact (1.8 MB of AWS SDK)
 * they cost every local worker ~0.3 s of compile time at cold start (measured: docs/aws.md).
 */
export const AWS_BACKENDS_GLOBAL = "slipwayAwsBackends";
