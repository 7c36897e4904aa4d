import { type CoreDeps, ERROR_CATALOG, isSlipwayError, type SiteCosts } from "@slipway/core";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { authRoutes } from "./accounts/auth-routes.ts";
import { type AuthOptions, createAuth } from "./accounts/better-auth.ts";
import { requireAdmin, requireCaller } from "./accounts/caller.ts";
import { adminBodyLimit } from "./admin-body-limit.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { adminRoutes } from "./routes/admin.ts";
import { artifactUploadRoutes, canHandOutUploadUrls } from "./routes/artifact-uploads.ts";
import { artifactRoutes } from "./routes/artifacts.ts";
import { costRoutes } from "./routes/cost.ts";
import { deploymentRoutes } from "./routes/deployments.ts";
import { domainRoutes } from "./routes/domains.ts";
import { envRoutes } from "./routes/env.ts";
import { logRoutes } from "./routes/logs.ts";
import { openApiDocument } from "./routes/openapi.ts";
import { projectRoutes } from "./routes/projects.ts";
import { telemetryRoutes } from "./routes/telemetry.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import type { TelemetryApi } from "./telemetry.ts";

export interface ApiOptions {
  /** How long one log-follow stream may stay open before the client resumes it (default 25 s). */
  logStreamMaxMs?: number;
  /**
   * Sign-in with better-auth under /api/auth and session cookies on /api/v1. Absent: tokens only.
   * `openSignUp`: anyone may sign up, not only the first user and invited ones.
   */
  accounts?: AuthOptions & { openSignUp?: boolean };
  /** Runtime logs, errors, metrics, usage and /metrics; their routes exist only with it. */
  observability?: TelemetryApi;
  /** Actual cost per site from the target's bill (AWS); its route exists only with it. */
  siteCosts?: SiteCosts;
}

/**
 * The ports the routes use, and no more: the API queues deployments and project removals and moves
 * aliases, but never builds, deploys or touches blobs (the pipeline, fed by the queue, does that).
 * It clears build caches itself (an admin's request, answered with the bytes freed).
 */
export type ApiDeps = Pick<CoreDeps, "store" | "queue" | "secrets" | "logs" | "urls" | "git" | "buildCache"> &
  // Custom domains: their limits and the records to set, and the resolver `verify` asks.
  Partial<Pick<CoreDeps, "settings" | "dns" | "domainEdge">> &
  // Only the admin's "deploy an artifact" route stores a blob (the checked archive); absent, no such route.
  Partial<Pick<CoreDeps, "blobs">> &
  // Canary releases: present where the target splits and watches them (local; AWS with an edge).
  Partial<Pick<CoreDeps, "canaryWatch">> &
  ApiOptions;

/** One Hono app for the API on every target: @hono/node-server locally, the Lambda adapter on AWS. */
export function createApi(deps: ApiDeps): Hono {
  const app = new Hono();
  app.get("/api/v1/health", (c) => c.json({ ok: true }));
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument));
  app.route("/api/v1/webhooks", webhookRoutes(deps));
  const origins = allowedOrigins(deps.accounts?.baseUrl ?? deps.urls.apiUrl, deps.accounts?.trustedOrigins ?? []);
  const auth = deps.accounts ? createAuth(deps.store, { ...deps.accounts, trustedOrigins: origins }) : null;
  if (auth && deps.accounts) app.route("/api/auth", authRoutes(deps.store, auth, deps.accounts.openSignUp ?? false));

  const v1 = new Hono();
  v1.use("*", requireCaller(deps.store, auth, origins));
  // After the token check: an anonymous sender gets 401 without a byte of its body read.
  v1.use("*", adminBodyLimit());
  v1.route("/projects", projectRoutes(deps));
  v1.route("/projects", envRoutes(deps));
  v1.route("/", deploymentRoutes(deps));
  v1.route("/deployments", logRoutes(deps));
  v1.route("/admin", adminRoutes(deps));
  v1.route("/", accountRoutes(deps));
  if (deps.observability) v1.route("/projects", telemetryRoutes(deps, deps.observability));
  if (deps.siteCosts) v1.route("/projects", costRoutes(deps, deps.siteCosts));
  v1.route("/domains", domainRoutes(deps));
  if (deps.blobs) v1.route("/", artifactRoutes({ ...deps, blobs: deps.blobs }));
  // The two-step upload only where the store hands out upload URLs (S3); the CLI falls back on its 404.
  if (deps.blobs && canHandOutUploadUrls(deps.blobs))
    v1.route("/", artifactUploadRoutes({ ...deps, blobs: deps.blobs }));
  app.route("/api/v1", v1);
  const prometheus = deps.observability?.prometheus;
  if (prometheus) {
    if (!deps.observability?.publicMetrics) app.use("/metrics", requireCaller(deps.store, auth, origins), requireAdmin);
    app.get("/metrics", async (c) => {
      const { contentType, body } = await prometheus();
      return c.body(body, 200, { "content-type": contentType });
    });
  }

  app.notFound((c) => c.json({ code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((error, c) => {
    if (isSlipwayError(error)) return c.json(error.toJSON(), error.status as 400);
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : error.status === 401 ? "UNAUTHORIZED" : "INVALID_INPUT";
      return c.json({ code, message: error.message || ERROR_CATALOG[code].title }, error.status);
    }
    console.error("unexpected API error", error);
    return c.json({ code: "INTERNAL", message: "Unexpected error; see the platform's log." }, 500);
  });
  return app;
}

/**
 * Origins a browser may write from with a session cookie: the platform's own (on loopback, both
 * 127.0.0.1 and localhost, which a browser treats as different sites) and the trusted ones.
 */
function allowedOrigins(baseUrl: string, trusted: readonly string[]): string[] {
  const own = new URL(baseUrl);
  const origins = [own.origin];
  if (own.hostname === "127.0.0.1" || own.hostname === "localhost") {
    const other = new URL(own);
    other.hostname = own.hostname === "localhost" ? "127.0.0.1" : "localhost";
    origins.push(other.origin);
  }
  return [...origins, ...trusted.map((o) => new URL(o).origin)];
}
