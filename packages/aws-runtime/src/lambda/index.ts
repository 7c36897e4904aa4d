// The Lambda side of the control plane: configuration, composition root and handlers (entries/ are the bundles' roots).
export { ensureAdminTokenFromSecret } from "./admin-token.ts";
export { createApiHandler } from "./api.ts";
export { createBucketBuildCache, projectCachePrefix } from "./build-cache.ts";
export { watchJobFromBuildEvent } from "./codebuild-event.ts";
export { type AwsClients, awsUrlScheme, type ControlPlaneOverrides, controlPlaneDeps } from "./deps.ts";
export {
  CONTROL_PLANE_ENV,
  type ControlPlaneConfig,
  type ControlPlaneRole,
  OPTIONAL_CONTROL_PLANE_ENV,
  parseControlPlaneEnv,
} from "./env.ts";
export { createOutboxHandler, type DynamoStreamEvent } from "./outbox.ts";
export { createStepsHandler, type SqsBatchResponse, type SqsEvent, STEP_ATTEMPTS } from "./steps.ts";
