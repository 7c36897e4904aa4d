// The step handlers' entry (bundled to steps/index.mjs): configuration is read here, once, at cold start.
import { controlPlaneDeps, edgeRouteTableFromEnv } from "../deps.ts";
import { parseControlPlaneEnv } from "../env.ts";
import { siteCostRefreshFromEnv } from "../site-costs.ts";
import { createStepsHandler } from "../steps.ts";

const config = parseControlPlaneEnv(process.env, "steps");
const deps = controlPlaneDeps(config, {}, { routes: edgeRouteTableFromEnv(process.env) });
const refreshSiteCosts = siteCostRefreshFromEnv(process.env, config.tableName, deps.store);

export const handler = createStepsHandler(deps, {
  buildProjectName: config.buildProjectName,
  ...(refreshSiteCosts ? { refreshSiteCosts } : {}),
});
