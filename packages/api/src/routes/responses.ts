import {
  CANARY_PERCENT_MAX,
  CANARY_PERCENT_MIN,
  DEPLOYMENT_STATUSES,
  DOMAIN_STATUSES,
  ENV_TARGETS,
  ENVIRONMENTS,
  LOG_LEVELS,
  NODE_VERSIONS,
  TEAM_ROLES,
} from "@slipway/core";
import { z } from "zod";

/**
 * What the routes answer, as zod schemas: the OpenAPI document is generated from them, and
 * responses.test.ts parses real answers with them (strict: a field the schema lacks fails), so
 * the document cannot drift from what the presenters return.
 */
const iso = z.string().describe("ISO 8601 time");
const role = z.enum(TEAM_ROLES);

export const errorResponse = z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() });

export const projectResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  teamId: z.string().nullable().describe("The owning team; null before the first account exists"),
  repo: z.string(),
  productionBranch: z.string(),
  rootDir: z.string(),
  installCommand: z.string().nullable(),
  buildCommand: z.string().nullable(),
  nodeVersion: z.enum(NODE_VERSIONS),
  url: z.string(),
  webhook: z.strictObject({ url: z.string(), secret: z.string() }),
  createdAt: iso,
});

export const projectRemovalResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.literal("removing"),
});

export const deploymentResponse = z.strictObject({
  id: z.string(),
  project: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  statusReason: z.string().nullable(),
  url: z.string(),
  environment: z.enum(ENVIRONMENTS),
  commit: z.strictObject({
    sha: z.string(),
    branch: z.string().nullable(),
    message: z.string().nullable(),
    author: z.string().nullable(),
  }),
  trigger: z.string(),
  createdAt: iso,
  buildStartedAt: iso.nullable(),
  readyAt: iso.nullable(),
  finishedAt: iso.nullable(),
});

/** A project in the list; with `deployments=1` also its latest and its production deployment. */
/** A canary release in progress on the project's production (core's `runningCanary`). */
export const canaryResponse = z
  .strictObject({
    deploymentId: z.string().describe("The canary deployment"),
    percent: z.number().int().min(CANARY_PERCENT_MIN).max(CANARY_PERCENT_MAX),
    startedAt: iso,
    productionDeploymentId: z.string().describe("The deployment serving the rest of production"),
  })
  .describe("Complete it with promote (no canary), cancel it with rollback (no deploymentId)");

/** One project, with what its production serves right now. */
export const projectDetailResponse = projectResponse.extend({
  canary: canaryResponse.nullable().describe("null: no canary running"),
});

export const projectListEntryResponse = projectResponse.extend({
  latestDeployment: deploymentResponse.nullable().optional(),
  productionDeployment: deploymentResponse.nullable().optional(),
  canary: canaryResponse.nullable().optional(),
});

export const envVarResponse = z.strictObject({
  key: z.string(),
  value: z.string().nullable().describe("null for a secret: write-only"),
  targets: z.array(z.enum(ENV_TARGETS)),
  branch: z.string().nullable(),
  secret: z.boolean(),
  updatedAt: iso,
});

const nextDeployNote = z.string();
export const envSetResponse = z.strictObject({
  updated: z.array(
    z.strictObject({
      key: z.string(),
      targets: z.array(z.enum(ENV_TARGETS)),
      branch: z.string().nullable(),
      secret: z.boolean(),
    }),
  ),
  note: nextDeployNote,
});
export const envRemoveResponse = z.strictObject({ removed: z.number().int(), note: nextDeployNote });

export const logLineResponse = z.strictObject({
  seq: z.number().int(),
  at: iso,
  stream: z.enum(["stdout", "stderr", "system"]),
  text: z.string(),
});

export const cacheClearResponse = z.strictObject({ project: z.string().nullable(), bytesFreed: z.number() });

const teamWithRole = z.strictObject({ id: z.string(), name: z.string().optional(), role });
export const meResponse = z.strictObject({
  kind: z.enum(["admin", "user"]),
  via: z.enum(["token", "session"]).optional(),
  user: z.strictObject({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  teams: z.array(teamWithRole),
});
export const teamResponse = teamWithRole;
export const createdTeamResponse = z.strictObject({ id: z.string(), name: z.string(), createdAt: iso, role });
export const memberResponse = z.strictObject({
  userId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role,
  since: iso,
});
export const removedMemberResponse = z.strictObject({ removed: z.string() });
export const invitationResponse = z.strictObject({
  id: z.string(),
  teamId: z.string(),
  role,
  createdAt: iso,
  expiresAt: iso,
});
export const createdInvitationResponse = invitationResponse.extend({
  url: z.string().describe("The link to send: single use, until expiresAt"),
  token: z.string().describe("The link's token (shown once)"),
});
export const acceptedInvitationResponse = z.strictObject({ team: teamWithRole });
export const tokenResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  teamId: z.string().nullable(),
  role: role.nullable(),
  createdAt: iso,
  expiresAt: iso.nullable(),
});
export const createdTokenResponse = tokenResponse.extend({ token: z.string().describe("Shown once; stored hashed") });
export const revokedResponse = z.strictObject({ revoked: z.string() });

/** better-auth's answers: its own shapes, documented loosely (fields it may add stay allowed). */
const authUser = z.looseObject({ id: z.string(), email: z.string(), name: z.string() });
export const authUserResponse = z.looseObject({ user: authUser });
export const authSessionResponse = z.looseObject({ user: authUser, session: z.looseObject({}) }).nullable();
export const authSignOutResponse = z.looseObject({ success: z.boolean() });
export const signUpBody = z.looseObject({ email: z.email(), password: z.string().min(8), name: z.string() });
export const signInBody = z.looseObject({ email: z.email(), password: z.string() });

export const webhookResponse = z.looseObject({ kind: z.string() });
export const healthResponse = z.strictObject({ ok: z.literal(true) });

export const domainResponse = z.strictObject({
  hostname: z.string(),
  project: z.string(),
  redirectTo: z.string().nullable(),
  status: z.enum(DOMAIN_STATUSES),
  reason: z.string().nullable(),
  records: z.array(
    z.strictObject({
      type: z.enum(["A", "AAAA", "CNAME", "TXT"]),
      name: z.string(),
      value: z.string(),
      purpose: z.string(),
    }),
  ),
  ownershipRequired: z.boolean(),
  certificate: z.strictObject({ notAfter: iso, issuedAt: iso }).nullable(),
  nextAttemptAt: iso.nullable(),
  createdAt: iso,
});

export const envSnapshotKeysResponse = z.strictObject({
  keys: z.array(z.strictObject({ key: z.string(), secret: z.boolean() })),
});

const requestEntry = z.strictObject({
  kind: z.literal("request"),
  seq: z.number().int(),
  at: iso,
  projectId: z.string(),
  deploymentId: z.string(),
  requestId: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  durationMs: z.number(),
  bytes: z.number(),
  coldStart: z.boolean(),
  servedBy: z.string().describe("static, cache, function, image or edge"),
  cache: z.string().nullable().describe("The edge cache's verdict (HIT / STALE / MISS), null where not asked"),
  clientIp: z.string().describe("Masked per the platform's setting"),
});
const functionLogEntry = z.strictObject({
  kind: z.literal("log"),
  seq: z.number().int(),
  at: iso,
  projectId: z.string(),
  deploymentId: z.string(),
  requestId: z.string().nullable(),
  level: z.enum(LOG_LEVELS),
  text: z.string(),
});
/** A runtime log entry: a request through the edge or a line a function wrote. */
export const telemetryEntryResponse = z.discriminatedUnion("kind", [requestEntry, functionLogEntry]);

export const errorGroupResponse = z.strictObject({
  message: z.string(),
  count: z.number().int(),
  firstAt: iso,
  lastAt: iso,
  lastDeploymentId: z.string(),
  lastRequestId: z.string().nullable(),
  stack: z.string().nullable().describe("The latest occurrence's stack that had one"),
});

const counts = {
  requests: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  coldStarts: z.number(),
  gbSeconds: z.number(),
  bytesOut: z.number(),
  invocations: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
};
export const metricsResponse = z.strictObject({
  project: z.string(),
  from: iso,
  to: iso,
  stepMs: z.number(),
  summary: z.strictObject(counts),
  series: z.array(z.strictObject({ start: z.number().describe("Epoch ms the step starts"), ...counts })),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const siteCostResponse = z.strictObject({
  project: z.string(),
  from: day,
  to: day,
  asOf: iso.nullable(),
  currency: z.literal("USD"),
  taggedUsd: z.number(),
  sharedUsd: z.number(),
  totalUsd: z.number(),
  invocations: z.number(),
  days: z.array(
    z.strictObject({
      date: day,
      taggedUsd: z.number().describe("Resources tagged with the site (its functions)"),
      sharedUsd: z.number().describe("Its traffic-weighted share of the stack's shared resources"),
      totalUsd: z.number(),
      invocations: z.number(),
    }),
  ),
  rule: z.string().describe("How shared costs are split between sites"),
});

export const usageResponse = z.strictObject({
  project: z.string(),
  from: iso,
  to: iso,
  usage: z.strictObject({
    windowMs: z.number(),
    requests: z.number(),
    invocations: z.number(),
    gbSeconds: z.number(),
    bytesOut: z.number(),
    storageBytes: z.number(),
    uploads: z.number(),
    errors: z.number(),
    coldStarts: z.number(),
  }),
  cost: z.strictObject({
    pricesDate: z.string(),
    region: z.string(),
    windowUsd: z.number(),
    monthlyUsd: z.number(),
    lines: z.array(
      z.strictObject({
        service: z.enum(["Lambda", "CloudFront", "S3"]),
        item: z.string(),
        quantity: z.number(),
        unit: z.string(),
        usd: z.number(),
      }),
    ),
  }),
  dropped: z.strictObject({
    entries: z.number(),
    errors: z.number(),
    metricDays: z.number(),
    beforeStorage: z.number().describe("Entries the recorder dropped before they reached the store"),
  }),
});
