import {
  acceptInvitationBody,
  changeRoleBody,
  createInvitationBody,
  createProjectBody,
  createTeamBody,
  createTokenBody,
  setEnvBody,
  updateProjectBody,
} from "@slipway/core/schemas";
import { z } from "zod";
import { clearCacheBody } from "./admin.ts";
import { deployBody, promoteBody, rollbackBody } from "./deployments.ts";
import { addDomainBody } from "./domains.ts";
import * as R from "./responses.ts";

/**
 * The API described for clients and tools, generated from the zod schemas the routes validate
 * with (requests) and answer with (responses.ts). A test checks every route the app serves is
 * listed here; another walks every route listed here across the team boundary.
 */
export interface Operation {
  summary: string;
  body?: z.ZodType;
  /** A body that is not JSON: its media type (an uploaded archive). */
  rawBody?: "application/gzip";
  /** The body may be left out (older clients send none). */
  bodyOptional?: true;
  /** The success answer; `status` 200 unless given. */
  response: z.ZodType | "text" | "event-stream";
  status?: 200 | 201 | 202;
  /** Query parameters, by name: all optional strings. */
  query?: Record<string, string>;
  /** Public: no token or session. */
  public?: true;
}

export const API_ROUTES: Record<string, Partial<Record<"get" | "post" | "patch" | "delete", Operation>>> = {
  "/api/v1/health": { get: { summary: "Readiness", response: R.healthResponse, public: true } },
  "/api/v1/openapi.json": { get: { summary: "This document", response: z.looseObject({}), public: true } },
  "/api/v1/projects": {
    get: {
      summary:
        "List the projects of the caller's teams; `deployments=1` adds each one's latest deployment, latest ready production deployment and running canary",
      query: { deployments: "1: add latestDeployment, productionDeployment and canary" },
      response: z.array(R.projectListEntryResponse),
    },
    post: {
      summary: "Create a project in `team` (default: the caller's first team)",
      body: createProjectBody,
      response: R.projectResponse,
      status: 201,
    },
  },
  "/api/v1/projects/{name}": {
    get: { summary: "Get a project, with its running canary (null: none)", response: R.projectDetailResponse },
    patch: {
      summary: "Change build settings (null: the default); member",
      body: updateProjectBody,
      response: R.projectResponse,
    },
    delete: {
      summary:
        "Remove the project and all it owns (URLs, deployments, artifacts, caches, env vars); owner. 202, runs in the background until the project answers 404",
      response: R.projectRemovalResponse,
      status: 202,
    },
  },
  "/api/v1/projects/{name}/deployments": {
    get: {
      summary: "List deployments, newest first; page on with `before` (the last id of a page)",
      query: {
        limit: "How many (default 50, at most 500)",
        before: "Deployments older than this id (the last of the previous page)",
        environment: "production or preview",
        status: "queued, building, deploying, ready, error or canceled",
      },
      response: z.array(R.deploymentResponse),
    },
    post: { summary: "Deploy a ref; member", body: deployBody, response: R.deploymentResponse, status: 202 },
  },
  "/api/v1/projects/{name}/deployments/artifact": {
    post: {
      summary:
        "Deploy an artifact built elsewhere (the dashboard the CLI builds): the body is the build's tar archive (gzipped), checked entry by entry; its manifest's deploymentId becomes the deployment's id; it enters the pipeline after the build; admin token only",
      rawBody: "application/gzip",
      query: { environment: "production (default) or preview", message: "Shown as the deployment's commit message" },
      response: R.deploymentResponse,
      status: 202,
    },
  },
  "/api/v1/projects/{name}/webhook/rotate": {
    post: {
      summary:
        "Replace the webhook secret (the old one stops verifying at once); answers the project with the new one; member",
      response: R.projectResponse,
    },
  },
  "/api/v1/projects/{name}/rollback": {
    post: {
      summary:
        "Move production back; while a canary runs (and no deploymentId is given), cancel the canary instead; member",
      body: rollbackBody,
      response: R.deploymentResponse,
    },
  },
  "/api/v1/projects/{name}/env": {
    get: { summary: "List env vars (secrets without value)", response: z.array(R.envVarResponse) },
    post: { summary: "Set env vars; member", body: setEnvBody, response: R.envSetResponse },
  },
  "/api/v1/projects/{name}/env/pull": {
    get: { summary: "Development env as a dotenv file; member", response: "text" },
  },
  "/api/v1/projects/{name}/env/{key}": {
    delete: {
      summary: "Remove an env var; member",
      query: { branch: "Only the preview override of this branch" },
      response: R.envRemoveResponse,
    },
  },
  "/api/v1/deployments/{id}": { get: { summary: "Get a deployment", response: R.deploymentResponse } },
  "/api/v1/deployments/{id}/env": {
    get: {
      summary: "The env var keys the deployment was built with (secret or not); never a value",
      response: R.envSnapshotKeysResponse,
    },
  },
  "/api/v1/deployments/{id}/cancel": {
    post: { summary: "Cancel a queued or running deployment; member", response: R.deploymentResponse },
  },
  "/api/v1/deployments/{id}/promote": {
    post: {
      summary:
        "Point production at this deployment (completing a canary of it); with `canary` (1–99), send only that percentage of production's requests to it; member",
      body: promoteBody,
      bodyOptional: true,
      response: R.deploymentResponse,
    },
  },
  "/api/v1/deployments/{id}/logs": {
    get: {
      summary:
        "Build log; with follow=1 (or Accept: text/event-stream) Server-Sent Events (id = seq) for at most 25 s: reconnect with `Last-Event-ID` until the `end` event",
      query: { after: "Lines after this seq", follow: "1: stream Server-Sent Events" },
      response: z.array(R.logLineResponse),
    },
  },
  "/api/v1/projects/{name}/logs": {
    get: {
      summary:
        "Runtime log: requests through the edge and function output, oldest first; with follow=1 (or Accept: text/event-stream) a live tail as Server-Sent Events (id = seq) for at most 25 s, resumable with `Last-Event-ID`",
      query: {
        since: "Window: 15m, 1h, 24h, 7d",
        status: "Requests with this status: 500, 5xx, 4xx",
        deployment: "One deployment's entries",
        kind: "request or log",
        after: "Entries after this seq",
        limit: "How many (default 100, at most 5000)",
        follow: "1: stream Server-Sent Events",
      },
      response: z.array(R.telemetryEntryResponse),
    },
  },
  "/api/v1/projects/{name}/errors": {
    get: {
      summary: "Errors (uncaught exceptions, logged Errors, 5xx) grouped by message",
      query: { since: "Window (default 24h)" },
      response: z.array(R.errorGroupResponse),
    },
  },
  "/api/v1/projects/{name}/metrics": {
    get: {
      summary:
        "Requests, errors, latency p50/p95/p99, cold starts, GB-s and bytes out per step (1 min / 15 min / 1 h); 503 METRICS_UNAVAILABLE when the AWS target's CloudWatch query cannot answer (a partial view would read as no traffic)",
      query: { since: "1h, 24h or 7d (default 1h)", deployment: "One deployment's metrics" },
      response: R.metricsResponse,
    },
  },
  "/api/v1/projects/{name}/usage": {
    get: {
      summary: "Usage in a window and its projected AWS cost (price table dated in the response)",
      query: { since: "Window (default 30d)" },
      response: R.usageResponse,
    },
  },
  "/api/v1/projects/{name}/cost": {
    get: {
      summary:
        "Actual cost per day from the target's bill (AWS only: Cost Explorer, fetched daily and cached): the site's tagged resources, its traffic-weighted share of the shared ones, and when the numbers were fetched (`asOf`, null before the first fetch)",
      query: { days: "The last N full UTC days (default 30, at most 400)" },
      response: R.siteCostResponse,
    },
  },
  "/api/v1/domains": {
    get: {
      summary: "List custom domains of the caller's teams: status, reason, the DNS records to set, certificate expiry",
      query: { project: "Only this project's domains" },
      response: z.array(R.domainResponse),
    },
    post: {
      summary: "Add a custom domain to a project; member",
      body: addDomainBody,
      response: R.domainResponse,
      status: 201,
    },
  },
  "/api/v1/domains/{hostname}": {
    get: { summary: "Get a custom domain", response: R.domainResponse },
    delete: {
      summary: "Remove a custom domain (its certificate goes with it); member",
      response: z.object({ removed: z.string(), project: z.string() }),
    },
  },
  "/api/v1/domains/{hostname}/verify": {
    post: {
      summary: "Check the domain's DNS records now; when they match, a certificate is requested; member",
      response: R.domainResponse.extend({ verified: z.boolean() }),
    },
  },
  "/api/v1/admin/cache/clear": {
    post: {
      summary: "Clear build caches, of one project or all (admin token only)",
      body: clearCacheBody,
      response: R.cacheClearResponse,
    },
  },
  "/api/v1/me": {
    get: {
      summary: "The caller: user (null for the admin token) and teams with the role in each",
      response: R.meResponse,
    },
  },
  "/api/v1/teams": {
    get: { summary: "Teams of the caller, with role", response: z.array(R.teamResponse) },
    post: {
      summary: "Create a team; the caller owns it",
      body: createTeamBody,
      response: R.createdTeamResponse,
      status: 201,
    },
  },
  "/api/v1/teams/{team}/members": { get: { summary: "Members of the team", response: z.array(R.memberResponse) } },
  "/api/v1/teams/{team}/members/{user}": {
    patch: { summary: "Change a member's role; owner", body: changeRoleBody, response: R.memberResponse },
    delete: { summary: "Remove a member; owner (the last owner stays)", response: R.removedMemberResponse },
  },
  "/api/v1/teams/{team}/invitations": {
    get: { summary: "Open invitations; owner", response: z.array(R.invitationResponse) },
    post: {
      summary: "Invite by link; owner. The url and token are shown once",
      body: createInvitationBody,
      response: R.createdInvitationResponse,
      status: 201,
    },
  },
  "/api/v1/teams/{team}/invitations/{id}": {
    delete: { summary: "Revoke an invitation; owner", response: R.revokedResponse },
  },
  "/api/v1/invitations/accept": {
    post: { summary: "Join the invitation's team", body: acceptInvitationBody, response: R.acceptedInvitationResponse },
  },
  "/api/v1/tokens": {
    get: { summary: "The caller's API tokens (never the token itself)", response: z.array(R.tokenResponse) },
    post: {
      summary: "Create an API token (role at most the user's); the token is shown once",
      body: createTokenBody,
      response: R.createdTokenResponse,
      status: 201,
    },
  },
  "/api/v1/tokens/{id}": { delete: { summary: "Revoke an API token", response: R.revokedResponse } },
  "/api/auth/sign-up/email": {
    post: {
      summary:
        "Sign up (sets the session cookie); after the first user needs `?invitation=TOKEN` unless sign-up is open",
      query: { invitation: "The token of an invitation link: joins its team with its role" },
      body: R.signUpBody,
      response: R.authUserResponse,
      public: true,
    },
  },
  "/api/auth/sign-in/email": {
    post: {
      summary: "Sign in: sets the session cookie",
      body: R.signInBody,
      response: R.authUserResponse,
      public: true,
    },
  },
  "/api/auth/sign-out": {
    post: { summary: "Sign out: ends the session", response: R.authSignOutResponse, public: true },
  },
  "/api/auth/get-session": {
    get: { summary: "The session and its user, or null", response: R.authSessionResponse, public: true },
  },
  "/api/v1/webhooks/github/{projectId}": {
    post: { summary: "GitHub webhook (HMAC-signed)", response: R.webhookResponse, public: true },
  },
};

const schema = (type: z.ZodType, io: "input" | "output") => z.toJSONSchema(type, { io, unrepresentable: "any" });
const errorContent = { "application/json": { schema: schema(R.errorResponse, "output") } };

function operation(op: Operation, path: string) {
  const content =
    op.response === "text"
      ? { "text/plain": { schema: { type: "string" } } }
      : op.response === "event-stream"
        ? { "text/event-stream": { schema: { type: "string" } } }
        : { "application/json": { schema: schema(op.response, "output") } };
  const parameters = [
    ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    })),
    ...Object.entries(op.query ?? {}).map(([name, description]) => ({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    })),
  ];
  return {
    summary: op.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: !op.bodyOptional,
            content: { "application/json": { schema: schema(op.body, "input") } },
          },
        }
      : {}),
    ...(op.rawBody
      ? { requestBody: { required: true, content: { [op.rawBody]: { schema: { type: "string", format: "binary" } } } } }
      : {}),
    responses: {
      [String(op.status ?? 200)]: { description: "OK", content },
      default: { description: "Error: { code, message, hint }", content: errorContent },
    },
    ...(op.public ? { security: [] } : {}),
  };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Slipway API", version: "1" },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer" },
      session: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
    },
  },
  security: [{ bearer: [] }, { session: [] }],
  paths: Object.fromEntries(
    Object.entries(API_ROUTES).map(([path, ops]) => [
      path,
      Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(op, path)])),
    ]),
  ),
};
