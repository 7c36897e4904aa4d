/**
 * The environment variables the stack gives the control-plane functions: the contract between
 * this CDK app and the Lambda handlers in packages/aws-runtime, which parse them once at cold
 * start. Imported as `@slipway/aws/config`, which loads no CDK code.
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
  /** CodeBuild's log group: build log lines are read from there. */
  buildLogGroup: "SLIPWAY_BUILD_LOG_GROUP",
  /** Only the API gets it: the Secrets Manager secret holding the first admin token. */
  adminTokenSecretArn: "SLIPWAY_ADMIN_TOKEN_SECRET_ARN",
} as const;

/**
 * The bundle directories `--bundles DIR` holds, one per piece of code the stack runs, each with
 * an `index.mjs`: `api` and `steps` export a Lambda `handler`; `builder` is run by CodeBuild as
 * `node index.mjs`.
 */
export const BUNDLE_NAMES = ["api", "steps", "builder"] as const;
export type BundleName = (typeof BUNDLE_NAMES)[number];
