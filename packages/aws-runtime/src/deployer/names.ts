import { createHash } from "node:crypto";

/**
 * Every site function's name starts with this: the steps function's IAM policy allows Lambda
 * actions on `slipway-site-*` only, so the Deployer cannot touch the control plane's functions.
 */
export const SITE_FUNCTION_PREFIX = "slipway-site-";
/** Lambda's limit on a function name. */
const NAME_LIMIT = 64;
/** The alias every site function's URL is attached to (a URL never moves once made). */
export const LIVE_ALIAS = "live";

export type SiteFunctionRole = "server" | "image";
/**
 * An edge-runtime route's own function: `edge0`, `edge1`, … in the manifest's order. Short, as a
 * function name holds 64 characters; the function's description and the route table name the route.
 */
export type EdgeFunctionKey = `edge${number}`;
/** What a site function's Lambda name and code zip are named by: its role, or its edge route's key. */
export type SiteFunctionKey = SiteFunctionRole | EdgeFunctionKey;
/** What a site function is: the server, the image function, or one of the edge routes' functions. */
export type SiteFunctionKind = SiteFunctionRole | "edge";

/** The memory each site function gets unless configured (the API counts GB-seconds with it). */
export const DEFAULT_SITE_MEMORY_MB: Readonly<Record<SiteFunctionRole, number>> = {
  server: 1024,
  // sharp resizes in memory
  image: 1536,
};

/** Lambda names allow letters, digits, `-` and `_`; anything else becomes `-`. */
function nameSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** A stable short stand-in for an id too long to fit (ids are 10 characters; tests use longer ones). */
function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 12);
}

/**
 * `slipway-site-<site>-<deployment>-<role>`, at most 64 characters: the deployment id is kept
 * whole (it makes the name unique) unless it alone would not fit, then hashed; the site part is
 * cut to what is left (it is there for people reading the console, the tags carry it whole).
 */
export function siteFunctionName(siteId: string, deploymentId: string, role: SiteFunctionKey): string {
  const suffix = `-${role}`;
  let deployment = nameSafe(deploymentId);
  if (SITE_FUNCTION_PREFIX.length + deployment.length + suffix.length + 2 > NAME_LIMIT) {
    deployment = shortHash(deploymentId);
  }
  const room = NAME_LIMIT - SITE_FUNCTION_PREFIX.length - deployment.length - suffix.length - 1;
  const site = nameSafe(siteId).slice(0, room).replace(/-+$/, "") || "site";
  return `${SITE_FUNCTION_PREFIX}${site}-${deployment}${suffix}`;
}

/** Where a deployment's static files live in the assets bucket (what the edge's origin path points at). */
export function assetsPrefix(deploymentId: string): string {
  return `assets/${deploymentId}`;
}

/** The zipped code of one function, in the code bucket. */
export function codeKey(deploymentId: string, role: SiteFunctionKey): string {
  return `lambda-code/${deploymentId}/${role}.zip`;
}

/** The deployment's encrypted env snapshot, read by its server function at cold start. */
export function envSnapshotKey(deploymentId: string): string {
  return `env-snapshots/${deploymentId}`;
}

/** What one activation made, so `deactivate` (which gets only the id) can find and free it. */
export function recordKey(deploymentId: string): string {
  return `lambda-deployments/${deploymentId}.json`;
}

/**
 * Every site's log group starts with this (never `aws/`, which Lambda refuses for custom groups):
 * the site functions' role may write and the API function may read only under it.
 */
export const SITE_LOG_GROUP_PREFIX = "/slipway/sites/";

/**
 * One log group per site, shared by all its functions (Lambda's LoggingConfig): reading a site's
 * request log and console output is one FilterLogEvents call, and the stream names (which start
 * `YYYY/MM/DD/<function name>[<version>]`) say which deployment wrote each line.
 */
export function siteLogGroupName(siteId: string): string {
  return `${SITE_LOG_GROUP_PREFIX}${siteId.replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}
