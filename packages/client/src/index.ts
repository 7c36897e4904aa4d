import type {
  CostProjection,
  DeploymentStatus,
  Environment,
  EnvTarget,
  MetricSummary,
  NodeVersion,
  SeriesPoint,
} from "@slipway/core";
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

/**
 * The API's JSON shapes, until its OpenAPI document describes responses with schemas of their own
 * (today each is a bare object): the dashboard reads the generated types' `data` through these.
 */
export interface ProjectView {
  id: string;
  name: string;
  repo: string;
  productionBranch: string;
  rootDir: string;
  installCommand: string | null;
  buildCommand: string | null;
  nodeVersion: NodeVersion;
  url: string;
  webhook: { url: string; secret: string };
  createdAt: string;
}

export interface DeploymentView {
  id: string;
  project: string;
  status: DeploymentStatus;
  statusReason: string | null;
  url: string;
  environment: Environment;
  commit: { sha: string; branch: string | null; message: string | null; author: string | null };
  trigger: string;
  createdAt: string;
  buildStartedAt: string | null;
  readyAt: string | null;
  finishedAt: string | null;
}

export interface EnvVarView {
  key: string;
  /** null for a secret: write-only. */
  value: string | null;
  targets: EnvTarget[];
  branch: string | null;
  secret: boolean;
  updatedAt: string;
}

/** The env var keys a deployment was built with; never a value. */
export interface EnvSnapshotKeysView {
  keys: { key: string; secret: boolean }[];
}

export interface LogLineView {
  seq: number;
  at: string;
  stream: "stdout" | "stderr" | "system";
  text: string;
}

/** A custom domain: its status (with the reason when stuck), the DNS records to set, its certificate. */
export interface DomainView {
  hostname: string;
  project: string;
  redirectTo: string | null;
  status: "pending" | "verified" | "issuing" | "active" | "failed";
  reason: string | null;
  records: { type: "A" | "AAAA" | "CNAME" | "TXT"; name: string; value: string; purpose: string }[];
  ownershipRequired: boolean;
  certificate: { notAfter: string; issuedAt: string } | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface ApiErrorView {
  code: string;
  message: string;
  hint?: string;
}

/** A runtime log entry: a request through the edge or a line a function wrote. */
export type { ErrorGroup as ErrorGroupView, TelemetryEntry as TelemetryEntryView } from "@slipway/core";

/** GET /projects/{name}/metrics: a summary and one point per step (1 min / 15 min / 1 h). */
export interface MetricsView {
  project: string;
  from: string;
  to: string;
  stepMs: number;
  summary: MetricSummary;
  series: SeriesPoint[];
}

/** GET /projects/{name}/usage: what the site used in a window and its projected AWS cost. */
export interface UsageView {
  project: string;
  from: string;
  to: string;
  usage: {
    windowMs: number;
    requests: number;
    invocations: number;
    gbSeconds: number;
    bytesOut: number;
    storageBytes: number;
    uploads: number;
    errors: number;
    coldStarts: number;
  };
  cost: CostProjection;
}
