import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema.gen.ts";

export type { paths } from "./schema.gen.ts";

export type SlipwayClient = Client<paths>;

export interface ClientOptions {
  /** The platform's address, e.g. http://127.0.0.1:7300 (the paths carry /api/v1). */
  baseUrl: string;
  /** Sent with every request: `authorization` (a token) or `cookie` (a session). */
  headers?: Record<string, string>;
  fetch?: (request: Request) => Promise<Response>;
}

/** The typed /api/v1 client the dashboard (and any script) calls the platform with. */
export function createSlipwayClient(options: ClientOptions): SlipwayClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.headers ?? {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The JSON a path's method answers on success (its 2xx response), from the generated document. */
export type ResponseOf<
  P extends keyof paths,
  M extends "get" | "post" | "patch" | "put" | "delete",
> = paths[P][M] extends {
  responses: infer R;
}
  ? {
      [S in keyof R]: S extends 200 | 201 | 202
        ? R[S] extends { content: { "application/json": infer J } }
          ? J
          : never
        : never;
    }[keyof R]
  : never;

/** The JSON body a path's method takes, from the generated document. */
export type BodyOf<P extends keyof paths, M extends "post" | "patch" | "put"> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

// The API's JSON shapes by name: each is the generated type of a route's answer, so the document
// (built from the API's zod response schemas) is the only place a shape is written down.
type One<T> = T extends readonly (infer E)[] ? E : T;
export type ProjectView = ResponseOf<"/api/v1/projects/{name}", "get">;
export type ProjectListEntryView = One<ResponseOf<"/api/v1/projects", "get">>;
export type DeploymentView = ResponseOf<"/api/v1/deployments/{id}", "get">;
/** A canary release in progress on a project's production (in ProjectView, null when none). */
export type CanaryView = NonNullable<ProjectView["canary"]>;
export type EnvVarView = One<ResponseOf<"/api/v1/projects/{name}/env", "get">>;
/** The env var keys a deployment was built with; never a value. */
export type EnvSnapshotKeysView = ResponseOf<"/api/v1/deployments/{id}/env", "get">;
export type LogLineView = One<ResponseOf<"/api/v1/deployments/{id}/logs", "get">>;
/** A custom domain: its status (with the reason when stuck), the DNS records to set, its certificate. */
export type DomainView = ResponseOf<"/api/v1/domains/{hostname}", "get">;
/** A runtime log entry: a request through the edge or a line a function wrote. */
export type TelemetryEntryView = One<ResponseOf<"/api/v1/projects/{name}/logs", "get">>;
export type ErrorGroupView = One<ResponseOf<"/api/v1/projects/{name}/errors", "get">>;
/** GET /projects/{name}/metrics: a summary and one point per step (1 min / 15 min / 1 h). */
export type MetricsView = ResponseOf<"/api/v1/projects/{name}/metrics", "get">;
/** GET /projects/{name}/usage: what the site used in a window and its projected AWS cost. */
export type UsageView = ResponseOf<"/api/v1/projects/{name}/usage", "get">;
export type MeView = ResponseOf<"/api/v1/me", "get">;
export type MemberView = One<ResponseOf<"/api/v1/teams/{team}/members", "get">>;
export type InvitationView = One<ResponseOf<"/api/v1/teams/{team}/invitations", "get">>;
export type TokenView = One<ResponseOf<"/api/v1/tokens", "get">>;

export interface ApiErrorView {
  code: string;
  message: string;
  hint?: string;
}
