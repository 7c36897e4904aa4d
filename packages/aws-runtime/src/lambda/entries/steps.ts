// The step handlers' entry (bundled to steps/index.mjs): configuration is read here, once, at cold start.
import { controlPlaneDeps, edgeRouteTableFromEnv } from "../deps.ts";
import { parseControlPlaneEnv } from "../env.ts";
import { createStepsHandler } from "../steps.ts";

const config = parseControlPlaneEnv(process.env, "steps");

export const handler = createStepsHandler(
  controlPlaneDeps(config, {}, { routes: edgeRouteTableFromEnv(process.env) }),
  { buildProjectName: config.buildProjectName },
);
