import { SlipwayError } from "@slipway/core/errors";
import { encodeDeploymentOrigins } from "../edge/route-encoding.ts";
import type { DeploymentOrigins, EdgeRouteOrigin } from "../edge/route-table.ts";
import { assetsPrefix, type SiteFunctionKey } from "./names.ts";
import type { SiteFunction } from "./site-function-plan.ts";
import { StepFailure } from "./step.ts";

/** The longest function URL host a deployment could get: a 32-character id, a long region name. */
const LONGEST_URL_HOST = `${"x".repeat(32)}.lambda-url.ap-southeast-99.on.aws`;

/**
 * Whether the deployment's edge routes fit its route table entry (at most MAX_EDGE_ROUTES, the
 * KeyValueStore value's 1 KB), checked with the longest hosts its functions could get: run before
 * any function is made, so an app with too many edge routes fails at once, naming them, instead
 * of after publishing every function.
 */
export function checkEdgeRoutesFit(deploymentId: string, functions: readonly SiteFunction[]): void {
  const edge = functions.filter((fn) => fn.role === "edge");
  if (edge.length === 0) return;
  const urls = Object.fromEntries(functions.map((fn) => [fn.key, `https://${LONGEST_URL_HOST}/`]));
  try {
    encodeDeploymentOrigins(deploymentId, {
      server: LONGEST_URL_HOST,
      image: functions.some((fn) => fn.role === "image") ? LONGEST_URL_HOST : null,
      assets: assetsPrefix(deploymentId),
      ...edgeRouteOrigins(functions, urls),
    });
  } catch (error) {
    if (error instanceof SlipwayError) throw new StepFailure(`${error.message} ${error.hint ?? ""}`.trim());
    throw error;
  }
}

/**
 * The `edge` part of the deployment's origins: each edge route path → the host of its function's
 * URL (`urls` by function key, as published). Nothing when the deployment has no edge route (its
 * entry stays as it was before edge routes).
 */
export function edgeRouteOrigins(
  functions: readonly SiteFunction[],
  urls: Partial<Record<SiteFunctionKey, string>>,
): Pick<DeploymentOrigins, "edge"> {
  const edge: EdgeRouteOrigin[] = [];
  for (const fn of functions) {
    const url = urls[fn.key];
    if (fn.role !== "edge" || url === undefined) continue;
    for (const path of fn.paths) edge.push({ path, origin: new URL(url).host });
  }
  return edge.length > 0 ? { edge } : {};
}
