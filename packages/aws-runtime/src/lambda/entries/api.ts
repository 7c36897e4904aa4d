// The API function's entry (bundled to api/index.mjs): configuration is read here, once, at cold start.

import { awsObservability } from "../../cloudwatch/observability.ts";
import { DEFAULT_SITE_MEMORY_MB } from "../../deployer/names.ts";
import { ensureAdminTokenFromSecret } from "../admin-token.ts";
import { createApiHandler } from "../api.ts";
import { controlPlaneDeps, edgeRouteTableFromEnv } from "../deps.ts";
import { EDGE_ENV } from "../edge-env.ts";
import { parseControlPlaneEnv } from "../env.ts";
import { siteCostCacheFromEnv } from "../site-costs.ts";

const config = parseControlPlaneEnv(process.env, "api");
const deps = controlPlaneDeps(config, {}, { routes: edgeRouteTableFromEnv(process.env) });
// During init, so the first request already accepts the admin token; a failure fails the cold start loudly.
await ensureAdminTokenFromSecret(deps.store, config.adminTokenSecretArn ?? "");

const siteCosts = siteCostCacheFromEnv(process.env, config.tableName);
// Runtime logs and metrics of the sites, from CloudWatch (their functions write there themselves).
const observability = awsObservability({
  logs: {},
  cloudwatch: {},
  s3: {},
  deployments: deps.store.deployments,
  memoryMb: DEFAULT_SITE_MEMORY_MB,
  assetsBucket: process.env[EDGE_ENV.assetsBucket] || null,
});

export const handler = createApiHandler(deps, { observability, ...(siteCosts ? { siteCosts } : {}) });
