import { DEFAULT_NODE_VERSION, DEPLOYMENT_STATUSES, ENVIRONMENTS, NODE_VERSIONS } from "@slipway/core";

/**
 * The API described for clients and tools. Kept beside the routes; a test checks every route
 * the app serves is listed here.
 */
const json = { "application/json": { schema: { type: "object" } } };
const ok = (description: string) => ({ description, content: json });
const op = (summary: string, extra: Record<string, unknown> = {}) => ({
  summary,
  responses: { "200": ok("OK"), default: ok("Error: { code, message, hint }") },
  ...extra,
});
const body = { requestBody: { content: json } };
const createProjectBody = {
  requestBody: {
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["name", "repo"],
          properties: {
            name: { type: "string" },
            repo: { type: "string" },
            branch: { type: "string" },
            rootDir: { type: "string" },
            installCommand: { type: ["string", "null"] },
            buildCommand: { type: ["string", "null"] },
            nodeVersion: { enum: [...NODE_VERSIONS], default: DEFAULT_NODE_VERSION },
          },
        },
      },
    },
  },
};

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Slipway API", version: "1" },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  security: [{ bearer: [] }],
  paths: {
    "/api/v1/health": { get: op("Readiness", { security: [] }) },
    "/api/v1/openapi.json": { get: op("This document", { security: [] }) },
    "/api/v1/projects": {
      get: op("List projects; `?deployments=1` adds each one's latestDeployment and productionDeployment", {
        parameters: [{ name: "deployments", in: "query", schema: { enum: ["1"] } }],
      }),
      post: op("Create a project", createProjectBody),
    },
    "/api/v1/projects/{name}": {
      get: op("Get a project"),
      patch: op(
        "Change build settings: branch, rootDir, installCommand, buildCommand (null: the default), nodeVersion (20, 22, 24)",
        body,
      ),
      delete: op(
        "Remove the project and all it owns (URLs, deployments, artifacts, caches, env vars); 202, runs in the background until the project answers 404",
      ),
    },
    "/api/v1/projects/{name}/deployments": {
      get: op("List deployments, newest first; page on with `before` (the last id of a page)", {
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
          { name: "before", in: "query", schema: { type: "string" } },
          { name: "environment", in: "query", schema: { enum: [...ENVIRONMENTS] } },
          { name: "status", in: "query", schema: { enum: [...DEPLOYMENT_STATUSES] } },
        ],
      }),
      post: op("Deploy a ref", body),
    },
    "/api/v1/projects/{name}/webhook/rotate": {
      post: op("Replace the webhook secret; answers the project with the new one (GitHub needs it pasted in)"),
    },
    "/api/v1/projects/{name}/rollback": { post: op("Move production back", body) },
    "/api/v1/projects/{name}/env": { get: op("List env vars (secrets without value)"), post: op("Set env vars", body) },
    "/api/v1/projects/{name}/env/pull": { get: op("Development env as a dotenv file") },
    "/api/v1/projects/{name}/env/{key}": { delete: op("Remove an env var") },
    "/api/v1/deployments/{id}": { get: op("Get a deployment") },
    "/api/v1/deployments/{id}/cancel": { post: op("Cancel a queued or running deployment") },
    "/api/v1/deployments/{id}/promote": { post: op("Point production at this deployment") },
    "/api/v1/deployments/{id}/logs": {
      get: op(
        "Build log; `?follow=1` streams Server-Sent Events (id = seq) for at most 25 s: reconnect with `Last-Event-ID` until the `end` event",
      ),
    },
    "/api/v1/admin/cache/clear": {
      post: op("Clear build caches, of one project ({ project }) or all; answers { bytesFreed }", body),
    },
    "/api/v1/me": { get: op("The caller: user (null for the admin token) and teams with the role in each") },
    "/api/v1/teams": {
      get: op("Teams of the caller, with role"),
      post: op("Create a team ({ name }); caller owns it", body),
    },
    "/api/v1/teams/{team}/members": { get: op("Members of the team (viewer)") },
    "/api/v1/teams/{team}/members/{user}": {
      patch: op("Change a member's role ({ role }; owner)", body),
      delete: op("Remove a member (owner; the last owner stays)"),
    },
    "/api/v1/teams/{team}/invitations": {
      get: op("Open invitations (owner)"),
      post: op("Invite by link ({ role, expiresInDays }; owner): answers { url, token } once", body),
    },
    "/api/v1/teams/{team}/invitations/{id}": { delete: op("Revoke an invitation (owner)") },
    "/api/v1/invitations/accept": { post: op("Join the invitation's team ({ token })", body) },
    "/api/v1/tokens": {
      get: op("The caller's API tokens (never the token itself)"),
      post: op("Create an API token ({ name, team, role, expiresInDays }): the token is shown once", body),
    },
    "/api/v1/tokens/{id}": { delete: op("Revoke an API token") },
    "/api/auth/sign-up/email": {
      post: op("Sign up ({ email, password, name }); `?invitation=TOKEN` after the first user", {
        ...body,
        security: [],
      }),
    },
    "/api/auth/sign-in/email": {
      post: op("Sign in ({ email, password }): sets the session cookie", { ...body, security: [] }),
    },
    "/api/auth/sign-out": { post: op("Sign out: ends the session", { security: [] }) },
    "/api/auth/get-session": { get: op("The session and its user, or null", { security: [] }) },
    "/api/v1/webhooks/github/{projectId}": { post: op("GitHub webhook (HMAC-signed)", { security: [] }) },
  },
} as const;
