import type { Domain } from "../domain/model.ts";
import type { CertificateIssuer } from "../ports/certificates.ts";
import type { Job } from "../ports/queue.ts";
import type { CoreDeps } from "./deps.ts";

export const ISSUE_CERTIFICATE_JOB = "domain.issue-certificate";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Let's Encrypt's advice: renew a 90-day certificate when 30 days are left. */
export const RENEW_BEFORE_MS = 30 * DAY_MS;
/** How long one ACME order may take before the sweep assumes its process died. */
const ORDER_LEASE_MS = 10 * 60 * 1000;
const BACKOFF_FIRST_MS = 5 * 60 * 1000;
const BACKOFF_MAX_MS = DAY_MS;

/** 5 min, 10, 20, … up to a day: failed orders count against the CA's rate limits. */
export function backoffMs(failedAttempts: number): number {
  return Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, failedAttempts - 1), BACKOFF_MAX_MS);
}

export interface CertificateDeps extends Pick<CoreDeps, "store" | "secrets" | "queue"> {
  issuer: CertificateIssuer;
  /** Injectable so renewal can be tested by moving it. */
  now(): Date;
}

/**
 * The issuance (and renewal) step. Idempotent: a domain removed, not yet verified, or whose
 * certificate is not due is left alone. A failure with a valid certificate still in place keeps
 * the domain `active` (the site stays up) and retries after a backoff; without one it ends
 * `failed` with the CA's reason, and is retried on the same schedule.
 */
export async function issueCertificateStep(deps: CertificateDeps, hostname: string): Promise<void> {
  const domain = await deps.store.domains.get(hostname);
  if (!domain || !isDue(domain, deps.now())) return;
  // Pushed out while this order runs, so the renewal sweep does not queue a second one beside it;
  // should this process die, the sweep picks the domain up again once it passes.
  const lease = { nextAttemptAt: new Date(deps.now().getTime() + ORDER_LEASE_MS).toISOString() };
  if (domain.status === "verified" || domain.status === "failed") {
    if (!(await deps.store.domains.transition(hostname, [domain.status], "issuing", lease))) return;
  } else if (!(await deps.store.domains.transition(hostname, [domain.status], domain.status, lease))) {
    return;
  }
  const challenges = {
    publish: async (name: string, challenge: Domain["challenge"]) => {
      await deps.store.domains.update(name, { challenge });
    },
    withdraw: async (name: string) => {
      await deps.store.domains.update(name, { challenge: null });
    },
  };
  try {
    const issued = await deps.issuer.issue(hostname, challenges);
    const now = deps.now();
    const certificate = {
      certPem: issued.certPem,
      keyEncrypted: await deps.secrets.encrypt(issued.keyPem),
      notAfter: issued.notAfter.toISOString(),
      issuedAt: now.toISOString(),
    };
    await deps.store.domains.transition(hostname, ["issuing", "active"], "active", {
      certificate,
      statusReason: null,
      failedAttempts: 0,
      challenge: null,
      nextAttemptAt: new Date(issued.notAfter.getTime() - RENEW_BEFORE_MS).toISOString(),
    });
  } catch (error) {
    const now = deps.now();
    const failedAttempts = domain.failedAttempts + 1;
    const retryAt = new Date(now.getTime() + backoffMs(failedAttempts)).toISOString();
    const message = error instanceof Error ? error.message : String(error);
    const valid = domain.certificate !== null && new Date(domain.certificate.notAfter) > now;
    const patch = { failedAttempts, nextAttemptAt: retryAt, challenge: null };
    if (valid) {
      await deps.store.domains.transition(hostname, ["active", "issuing"], "active", {
        ...patch,
        statusReason: `renewal failed (attempt ${failedAttempts}, next at ${retryAt}): ${message}`,
      });
    } else {
      await deps.store.domains.transition(hostname, ["issuing", "active"], "failed", {
        ...patch,
        statusReason: `certificate request failed (attempt ${failedAttempts}, next at ${retryAt}): ${message}`,
      });
    }
  }
}

function isDue(domain: Domain, now: Date): boolean {
  if (domain.status === "pending") return false;
  return domain.nextAttemptAt !== null && new Date(domain.nextAttemptAt) <= now;
}

/**
 * The renewal sweep: queues every domain whose issuance or renewal is due (also a verified domain
 * whose message was lost). Returns the hostnames queued.
 */
export async function queueDueCertificates(deps: Pick<CertificateDeps, "store" | "queue" | "now">): Promise<string[]> {
  const now = deps.now();
  const due = (await deps.store.domains.list()).filter((d) => isDue(d, now));
  for (const d of due) await deps.queue.enqueue(ISSUE_CERTIFICATE_JOB, { hostname: d.hostname });
  return due.map((d) => d.hostname);
}

/** The hostname a certificate message is about; null for any other message. */
export function certificateJobHostname(job: Pick<Job, "type" | "payload">): string | null {
  if (job.type !== ISSUE_CERTIFICATE_JOB) return null;
  const hostname = (job.payload as { hostname?: unknown } | null)?.hostname;
  return typeof hostname === "string" ? hostname : null;
}
