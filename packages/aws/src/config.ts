/**
 * The environment variables the stack gives the control-plane functions: the contract between
 * this CDK app and the Lambda handlers in packages/aws-runtime, which parse them once at cold
 * start. Defined beside the parser (as the table's keys are beside the Store), so the two cannot
 * drift. Imported as `@slipway/aws/config`, which loads no CDK code.
 */
export {
  CANARY_ALARM_PREFIX,
  CONTROL_PLANE_ENV,
  EDGE_ENV,
  OPTIONAL_CONTROL_PLANE_ENV,
  SITE_COSTS_ENV,
  SITE_FUNCTION_PREFIX,
  SITE_FUNCTIONS_ENV,
  SITE_LOG_GROUP_PREFIX,
} from "@slipway/aws-runtime/lambda-env";

/**
 * The bundle directories `--bundles DIR` holds, one per piece of code the stack runs, each with
 * an `index.mjs`: `api`, `steps`, `outbox`, `routes` (with an edge) and `revalidator` export a Lambda
 * `handler`; `builder` is run by CodeBuild as `node index.mjs`.
 */
export const BUNDLE_NAMES = ["api", "steps", "outbox", "routes", "revalidator", "builder"] as const;
export type BundleName = (typeof BUNDLE_NAMES)[number];
