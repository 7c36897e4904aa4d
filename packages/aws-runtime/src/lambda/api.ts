import { type ApiOptions, createApi } from "@slipway/api";
import type { CoreDeps } from "@slipway/core";
import { handle } from "hono/aws-lambda";

/**
 * The API's Lambda: the one Hono app of every target, behind API Gateway's HTTP API (payload
 * 2.0), through Hono's buffered Lambda adapter. Buffered, not streamed: API Gateway HTTP APIs
 * do not stream responses, so a log follow ends within the function's timeout and the client
 * resumes it (the API's own `logStreamMaxMs`, below the 29 s the stack gives the function).
 */
export function createApiHandler(deps: CoreDeps, options: Pick<ApiOptions, "siteCosts" | "observability"> = {}) {
  return handle(createApi({ ...deps, ...options, logStreamMaxMs: 20_000 }));
}
