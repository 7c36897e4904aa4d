export { type ApiDeps, type ApiOptions, createApi } from "./app.ts";
export { hashToken } from "./auth.ts";
export { DEFAULT_LOG_STREAM_MAX_MS } from "./routes/logs.ts";
export { openApiDocument } from "./routes/openapi.ts";
export { WEBHOOK_BODY_LIMIT } from "./routes/webhooks.ts";
export type { TelemetryApi } from "./telemetry.ts";
