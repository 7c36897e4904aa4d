export { type ApiDeps, createApi } from "./app.ts";
export { hashToken } from "./auth.ts";
export { WEBHOOK_BODY_LIMIT } from "./routes/webhooks.ts";
