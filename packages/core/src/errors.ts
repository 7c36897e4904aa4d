/**
 * The error catalog. Every error that reaches a user has a stable code, a message that names the
 * bad value and a hint. The API maps `status` to HTTP in one place; the CLI prints message + hint.
 */
export const ERROR_CATALOG = {
  INVALID_INPUT: { status: 400, title: "Invalid input" },
  INVALID_CONFIG: { status: 400, title: "Invalid configuration" },
  INVALID_PROJECT_NAME: { status: 400, title: "Invalid project name" },
  INVALID_REF: { status: 400, title: "Invalid git ref" },
  INVALID_ENV_KEY: { status: 400, title: "Invalid environment variable name" },
  RESERVED_ENV_KEY: { status: 400, title: "Reserved environment variable name" },
  ENV_VALUE_TOO_LARGE: { status: 400, title: "Environment variable too large" },
  INVALID_ENV_TARGET: { status: 400, title: "Invalid environment target" },
  INVALID_DOMAIN: { status: 400, title: "Invalid domain" },
  UNAUTHORIZED: { status: 401, title: "Not authenticated" },
  BAD_SIGNATURE: { status: 401, title: "Webhook signature does not match" },
  FORBIDDEN: { status: 403, title: "Not allowed for your role" },
  SIGN_UP_CLOSED: { status: 403, title: "Sign-up needs an invitation" },
  INVITATION_INVALID: { status: 404, title: "Invitation not found, used or expired" },
  TEAM_NOT_FOUND: { status: 404, title: "Team not found" },
  MEMBER_NOT_FOUND: { status: 404, title: "Team member not found" },
  TOKEN_NOT_FOUND: { status: 404, title: "API token not found" },
  LAST_OWNER: { status: 409, title: "A team keeps at least one owner" },
  NOT_FOUND: { status: 404, title: "Not found" },
  PROJECT_NOT_FOUND: { status: 404, title: "Project not found" },
  DEPLOYMENT_NOT_FOUND: { status: 404, title: "Deployment not found" },
  ENV_VAR_NOT_FOUND: { status: 404, title: "Environment variable not found" },
  DOMAIN_NOT_FOUND: { status: 404, title: "Domain not found" },
  PROJECT_EXISTS: { status: 409, title: "Project already exists" },
  PROJECT_NAME_CONFLICT: { status: 409, title: "Project name collides with another project's URLs" },
  HOSTNAME_TAKEN: { status: 409, title: "Hostname belongs to another project" },
  DOMAIN_EXISTS: { status: 409, title: "Domain already added" },
  DOMAIN_LIMIT: { status: 409, title: "Too many domains" },
  DEPLOYMENT_NOT_READY: { status: 409, title: "Deployment is not ready" },
  NO_ROLLBACK_TARGET: { status: 409, title: "Nothing to roll back to" },
  DEPLOYMENT_FINISHED: { status: 409, title: "Deployment already finished" },
  INVALID_CANARY: { status: 400, title: "Invalid canary share" },
  CANARY_UNSUPPORTED: { status: 409, title: "Canary releases are not available on this target" },
  NO_CANARY_BASE: { status: 409, title: "No production deployment to split traffic with" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  REPOSITORY_UNREACHABLE: { status: 422, title: "Repository cannot be read" },
  SANDBOX_REQUIRED: { status: 500, title: "No sandbox for untrusted code" },
  INTERNAL: { status: 500, title: "Internal error" },
  SCHEMA_TOO_NEW: { status: 409, title: "Data written by a newer Slipway" },
  BACKUP_INVALID: { status: 422, title: "Backup archive is damaged or not a Slipway backup" },
  BACKUP_KEY_WRONG: { status: 422, title: "Backup keys cannot be opened with this passphrase" },
  DATA_DIR_IN_USE: { status: 409, title: "Data dir is in use or not empty" },
  BUSY: { status: 503, title: "Too busy, retry later" },
  INVALID_EDGE_ROUTE: { status: 422, title: "Cannot be routed at the edge" },
  INVALID_ARTIFACT: { status: 422, title: "Uploaded artifact refused" },
  DNS_UNAVAILABLE: { status: 503, title: "DNS cannot be queried" },
  METRICS_UNAVAILABLE: { status: 503, title: "Metrics cannot be read right now" },
  // Raised by the CLI (the status is what an API would answer for the same fault).
  USAGE: { status: 400, title: "Invalid command line" },
  API_UNREACHABLE: { status: 503, title: "The Slipway API cannot be reached" },
  DEPLOYMENT_FAILED: { status: 409, title: "Deployment did not become ready" },
  CONFIRMATION_REQUIRED: { status: 400, title: "Confirmation required" },
  RESTART_FAILED: { status: 500, title: "Restart did not complete" },
  AWS_CREDENTIALS: { status: 401, title: "AWS credentials missing, expired or not allowed" },
  AWS_UNREACHABLE: { status: 503, title: "AWS cannot be reached" },
  AWS_NOT_BOOTSTRAPPED: { status: 409, title: "AWS account and region not bootstrapped for CDK" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class SlipwayError extends Error {
  override readonly name = "SlipwayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export function isSlipwayError(error: unknown): error is SlipwayError {
  if (error instanceof SlipwayError) return true;
  // A second copy of this module (the bundled CLI loading the platform's sources) has its own class.
  return error instanceof Error && error.name === "SlipwayError" && isErrorCode((error as { code?: unknown }).code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CATALOG, value);
}

/**
 * The error an API response body describes (`{ code, message, hint }`), so a client raises the
 * same catalogued error the server did. A code this build does not know (a newer server) keeps
 * its message and becomes INTERNAL; a body that is not an error at all gets `fallback`.
 */
export function slipwayErrorFromJson(body: unknown, fallback: string): SlipwayError {
  const { code, message, hint } = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const text = typeof message === "string" && message ? message : fallback;
  const tip = typeof hint === "string" && hint ? hint : undefined;
  return new SlipwayError(isErrorCode(code) ? code : "INTERNAL", text, tip);
}
