/** Closed sets, as arrays so they can be validated and iterated, with derived unions. */
export const DEPLOYMENT_STATUSES = ["queued", "building", "deploying", "ready", "error", "canceled"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** A deployment in one of these is still moving; after a restart it must be resumed or failed. */
export const ACTIVE_STATUSES = ["queued", "building", "deploying"] as const satisfies readonly DeploymentStatus[];

export const ENVIRONMENTS = ["production", "preview"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ENV_TARGETS = ["production", "preview", "development"] as const;
export type EnvTarget = (typeof ENV_TARGETS)[number];

export const ALIAS_KINDS = ["deployment", "branch", "production", "custom"] as const;
export type AliasKind = (typeof ALIAS_KINDS)[number];

/**
 * Node.js major versions a project may run, builds and functions alike (Vercel's "Node.js
 * Version", Lambda's nodejs20.x / 22.x / 24.x). Each maps to one pinned release in the toolchain.
 */
export const NODE_VERSIONS = ["20", "22", "24"] as const;
export type NodeVersion = (typeof NODE_VERSIONS)[number];
export const DEFAULT_NODE_VERSION: NodeVersion = "22";

export interface Project {
  id: string;
  /** A DNS label: it becomes part of every hostname of the project. */
  name: string;
  /** Never holds a credential: one given in the URL is split off into `repoCredentialEncrypted`. */
  repoUrl: string;
  /** Ciphertext (Secrets port) of the URL's `user:token` as JSON; null for a public or ssh repository. */
  repoCredentialEncrypted: string | null;
  productionBranch: string;
  /** Folder inside the repository that holds the Next.js app ("" = repository root). */
  rootDir: string;
  installCommand: string | null;
  buildCommand: string | null;
  /** Node.js major version the project builds and runs on. */
  nodeVersion: NodeVersion;
  /** Ciphertext (Secrets port) of the HMAC key for GitHub webhooks; the key is never empty. */
  webhookSecretEncrypted: string;
  /** The team that owns it; null only for projects the admin token made before the first user signed up. */
  teamId: string | null;
  createdAt: string;
}

export interface Commit {
  sha: string;
  branch: string | null;
  message: string | null;
  author: string | null;
}

export interface Deployment {
  id: string;
  projectId: string;
  environment: Environment;
  status: DeploymentStatus;
  /** Why the deployment ended in `error` or `canceled`. */
  statusReason: string | null;
  commit: Commit;
  /** What asked for it: "webhook:push", "webhook:pull_request", "cli", "api". */
  trigger: string;
  /** Blob key of the built artifact once the build succeeded; null once retention removed it. */
  artifactKey: string | null;
  /** Encrypted snapshot of the env vars it was built with (see Secrets). */
  envSnapshot: string | null;
  createdAt: string;
  buildStartedAt: string | null;
  readyAt: string | null;
  finishedAt: string | null;
  /**
   * When a transition or update last touched the deployment, stamped by the Store (a bare
   * `update(id, {})` is a heartbeat); absent while `createdAt` is its last write. The pipeline's
   * sweeper re-enqueues an unfinished deployment nothing has touched for a while.
   */
  updatedAt?: string;
  /**
   * The CommitStatusReporter's own id for this deployment (GitHub: its deployment id), kept so
   * every process reports to the same entry. Absent until the first report.
   */
  statusReportId?: string;
}

export interface Alias {
  hostname: string;
  projectId: string;
  deploymentId: string;
  kind: AliasKind;
  updatedAt: string;
  /**
   * A canary release on this (production) alias: `percent`% of its requests go to another
   * deployment while the rest stay on `deploymentId`. Absent: no canary. Every alias write
   * replaces it, so moving the alias (deploy, promote, rollback) ends the canary.
   */
  canary?: AliasCanary;
}

/** Canary shares are whole percents; 0 and 100 are not canaries (use rollback or promote). */
export const CANARY_PERCENT_MIN = 1;
export const CANARY_PERCENT_MAX = 99;

/**
 * A canary is rolled back on every target when its server errors reach this count within one
 * window (AWS: a CloudWatch alarm on its function's errors; local: the edge counts its worker's
 * 5xx). A count, not a rate: at a small share most sites see few requests a minute.
 */
export const CANARY_ROLLBACK_RULE = { errors: 5, windowSeconds: 60 } as const;

export interface AliasCanary {
  deploymentId: string;
  /** CANARY_PERCENT_MIN–CANARY_PERCENT_MAX. */
  percent: number;
  startedAt: string;
}

export interface EnvVar {
  id: string;
  projectId: string;
  key: string;
  /** Ciphertext produced by the Secrets port; plaintext never reaches a Store. */
  valueEncrypted: string;
  targets: EnvTarget[];
  /** Preview-only override for one branch; null = every branch. */
  branch: string | null;
  secret: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LogLine {
  seq: number;
  at: string;
  stream: "stdout" | "stderr" | "system";
  text: string;
}

export interface WebhookDelivery {
  id: string;
  projectId: string;
  event: string;
  receivedAt: string;
  outcome: string;
}

export interface ApiToken {
  id: string;
  name: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: string;
  createdAt: string;
  /** The user it acts for; null for the platform's admin token (all access). */
  userId: string | null;
  /** A user token acts in this team only, with at most this role (and never more than the user's). */
  teamId: string | null;
  role: TeamRole | null;
  /** null: never expires. */
  expiresAt: string | null;
}

/** Roles in a team, weakest first: a role can do all that the ones before it can. */
export const TEAM_ROLES = ["viewer", "member", "owner"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export interface TeamMember {
  teamId: string;
  userId: string;
  role: TeamRole;
  createdAt: string;
}

/** A link that joins its (signed-in) holder to a team once, before it expires. */
export interface Invitation {
  id: string;
  teamId: string;
  role: TeamRole;
  /** SHA-256 of the token in the link; the token itself is shown once. */
  tokenHash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** Set once, by the accept that used it up. */
  acceptedBy: string | null;
}

/**
 * The tables better-auth keeps (users, sessions, password accounts, verification tokens). Records
 * are plain JSON objects with an `id`, as better-auth shapes them; the Store does not interpret them
 * beyond the lookup fields below.
 */
export const AUTH_MODELS = ["user", "session", "account", "verification"] as const;
export type AuthModel = (typeof AUTH_MODELS)[number];
export type AuthRecord = { id: string } & Record<string, unknown>;

/** Fields a record can be found by without a scan (SQLite: an index each; DynamoDB: a GSI each). */
export const AUTH_LOOKUP_FIELDS = {
  user: ["email"],
  session: ["token", "userId"],
  account: ["userId", "accountId"],
  verification: ["identifier"],
} as const satisfies Record<AuthModel, readonly string[]>;

/** The scope fields of the platform's admin token: no user, no team, all access. */
export const ADMIN_TOKEN_SCOPE = { userId: null, teamId: null, role: null, expiresAt: null } as const satisfies Pick<
  ApiToken,
  "userId" | "teamId" | "role" | "expiresAt"
>;
/** A custom domain's life: DNS checked (`verified`), certificate requested (`issuing`), served over HTTPS (`active`). */
export const DOMAIN_STATUSES = ["pending", "verified", "issuing", "active", "failed"] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export interface DomainCertificate {
  /** The certificate chain (leaf first) as the CA returned it. */
  certPem: string;
  /** Ciphertext (Secrets port) of the certificate's private key. */
  keyEncrypted: string;
  notAfter: string;
  issuedAt: string;
}

/** An ACME HTTP-01 challenge the edge answers on `/.well-known/acme-challenge/<token>` while issuing. */
export interface DomainChallenge {
  token: string;
  keyAuthorization: string;
}

export interface Domain {
  /** Lowercase ASCII (IDNs as punycode); the primary key: one owner project per hostname. */
  hostname: string;
  projectId: string;
  /** Requests for this hostname are redirected there (www ↔ apex); null = served. */
  redirectTo: string | null;
  status: DomainStatus;
  /** Why the last verification or issuance failed (also set while a renewal keeps failing). */
  statusReason: string | null;
  /** The value of the `_slipway-challenge.<hostname>` TXT record that proves control. */
  verificationToken: string;
  certificate: DomainCertificate | null;
  challenge: DomainChallenge | null;
  /** When issuance or renewal is due next (backoff after a failure); null: nothing scheduled. */
  nextAttemptAt: string | null;
  /** Issuance failures in a row, for the backoff. */
  failedAttempts: number;
  createdAt: string;
  updatedAt: string;
}
