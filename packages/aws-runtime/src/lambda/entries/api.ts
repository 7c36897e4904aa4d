// The API function's entry (bundled to api/index.mjs): configuration is read here, once, at cold start.

import { ensureAdminTokenFromSecret } from "../admin-token.ts";
import { createApiHandler } from "../api.ts";
import { controlPlaneDeps, edgeRouteTableFromEnv } from "../deps.ts";
import { parseControlPlaneEnv } from "../env.ts";
import { siteCostCacheFromEnv } from "../site-costs.ts";

const config = parseControlPlaneEnv(process.env, "api");
const deps = controlPlaneDeps(config, {}, { routes: edgeRouteTableFromEnv(process.env) });
// During init, so the first request already accepts the admin token; a failure fails the cold start loudly.
await ensureAdminTokenFromSecret(deps.store, config.adminTokenSecretArn ?? "");

const siteCosts = siteCostCacheFromEnv(process.env, config.tableName);

export const handler = createApiHandler(deps, siteCosts ? { siteCosts } : {});
