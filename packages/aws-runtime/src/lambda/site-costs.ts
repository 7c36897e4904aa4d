import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { Store } from "@slipway/core";
import { createSiteCostCache, type SiteCostCache } from "../cost/cost-cache.ts";
import { createSiteCostRefresh, type SiteCostRefreshResult } from "../cost/refresh.ts";

import { SITE_COSTS_ENV } from "./site-costs-env.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The cost cache the API reads, when the stack refreshes it; else undefined (no cost route). */
export function siteCostCacheFromEnv(
  env: Env,
  tableName: string,
  dynamodb: DynamoDBClientConfig = {},
): SiteCostCache | undefined {
  return env[SITE_COSTS_ENV.stackName] ? createSiteCostCache({ tableName, client: dynamodb }) : undefined;
}

/** The daily refresh the steps run on SITE_COSTS_REFRESH_MESSAGE, when the stack set its name. */
export function siteCostRefreshFromEnv(
  env: Env,
  tableName: string,
  store: Pick<Store, "projects">,
): (() => Promise<SiteCostRefreshResult>) | undefined {
  const stackName = env[SITE_COSTS_ENV.stackName];
  if (!stackName) return undefined;
  return createSiteCostRefresh({
    cache: createSiteCostCache({ tableName, client: {} }),
    stackName,
    sites: async () => (await store.projects.list()).map((project) => project.id),
  });
}
