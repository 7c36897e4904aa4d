import type { DomainEdge } from "../ports/domain-edge.ts";
import type { Job } from "../ports/queue.ts";
import type { CoreDeps } from "./deps.ts";

/**
 * Custom domains on a target with a DomainEdge (AWS): after `verify`, these queue-driven steps
 * start the certificate and poll the edge until it is active or failed; after `rm`, they detach
 * the hostname. No client ever polls: each step queues its own next check with a bounded backoff.
 */
export const PROVISION_DOMAIN_JOB = "domain.provision";
export const DETACH_DOMAIN_JOB = "domain.detach";

const POLL_FIRST_MS = 15_000;
/** SQS delays a message 15 minutes at most; 5 keeps a slow certificate from feeling stuck. */
const POLL_MAX_MS = 5 * 60_000;
/**
 * CloudFront gives up HTTP validation of a managed certificate after 72 hours; about that many
 * polls (at the 5-minute cap) later, a domain still `issuing` is failed rather than polled forever.
 */
export const MAX_DOMAIN_POLLS = 870;
const DETACH_RETRY_MS = 60_000;
/** Disabling a tenant takes minutes; an hour of retries is plenty before the message is dropped. */
const MAX_DETACH_ATTEMPTS = 60;

/** 15 s, 30 s, 60 s, … up to 5 minutes. */
export function domainPollDelayMs(attempt: number): number {
  return Math.min(POLL_FIRST_MS * 2 ** Math.max(0, attempt - 1), POLL_MAX_MS);
}

export interface DomainEdgeDeps extends Pick<CoreDeps, "store" | "queue"> {
  domainEdge: DomainEdge;
  now?: () => Date;
}

interface ProvisionPayload {
  hostname: string;
  /** The poll this message is; absent on the first message (from verify). */
  attempt?: number;
  /** The `nextAttemptAt` it was queued for: a stale or duplicated chain finds another value and stops. */
  due?: string;
}

interface DetachPayload {
  hostname: string;
  site: string;
  attempt?: number;
}

/**
 * `verified` → the edge starts the certificate → `issuing` → polled → `active` (then served) or
 * `failed` with the edge's reason. Idempotent: a redelivered message finds the status moved on
 * (or its `due` superseded) and does nothing.
 */
export async function provisionDomainStep(deps: DomainEdgeDeps, payload: ProvisionPayload): Promise<void> {
  const { hostname } = payload;
  const domain = await deps.store.domains.get(hostname);
  if (!domain) return;
  const edge = deps.domainEdge;
  if (domain.status === "verified") {
    await edge.certify(domain.projectId, hostname);
    // The poll is queued before the domain names it as the one due: a crash in between leaves a
    // poll that finds another `due` and stops, never a domain `issuing` with no poll coming.
    await schedulePoll(deps, hostname, 1, ["verified"], null);
    return;
  }
  // Only the poll the domain names runs: the first message (no `due`) delivered again, or a
  // stale copy of a poll, stops here, so redeliveries never fork the chain.
  if (domain.status !== "issuing" || payload.due === undefined || payload.due !== domain.nextAttemptAt) return;
  const attempt = payload.attempt ?? 1;
  const state = await edge.state(domain.projectId, hostname);
  if (state.state === "active") {
    await edge.serve(domain.projectId, hostname);
    await deps.store.domains.transition(hostname, ["issuing"], "active", {
      statusReason: null,
      nextAttemptAt: null,
      failedAttempts: 0,
    });
    return;
  }
  if (state.state === "failed" || attempt >= MAX_DOMAIN_POLLS) {
    const reason =
      state.state === "failed"
        ? state.reason
        : `still issuing after ${attempt} checks${state.reason ? `: ${state.reason}` : ""}`;
    await deps.store.domains.transition(hostname, ["issuing"], "failed", {
      statusReason: `certificate failed: ${reason}; fix DNS, then run \`slipway domains verify ${hostname}\` again`,
      nextAttemptAt: null,
      failedAttempts: domain.failedAttempts + 1,
    });
    return;
  }
  await schedulePoll(deps, hostname, attempt + 1, ["issuing"], state.reason);
}

async function schedulePoll(
  deps: DomainEdgeDeps,
  hostname: string,
  attempt: number,
  from: readonly ("verified" | "issuing")[],
  statusReason: string | null,
): Promise<void> {
  const delayMs = domainPollDelayMs(attempt);
  const now = deps.now?.() ?? new Date();
  const due = new Date(now.getTime() + delayMs).toISOString();
  await deps.queue.enqueue(PROVISION_DOMAIN_JOB, { hostname, attempt, due }, { delayMs });
  await deps.store.domains.transition(hostname, from, "issuing", { statusReason, nextAttemptAt: due });
}

/**
 * Takes a removed hostname off the edge. Skipped when the same site has added it again since (it
 * is in use); retried while the edge needs time, up to an hour, then dropped with a log line.
 */
export async function detachDomainStep(
  deps: DomainEdgeDeps,
  payload: DetachPayload,
  log: (line: string) => void = () => {},
): Promise<void> {
  const held = await deps.store.domains.get(payload.hostname);
  if (held?.projectId === payload.site) return;
  const outcome = await deps.domainEdge.detach(payload.site, payload.hostname);
  if (outcome === "done") return;
  const attempt = (payload.attempt ?? 0) + 1;
  if (attempt >= MAX_DETACH_ATTEMPTS) {
    log(`domains: gave up detaching ${payload.hostname} from site ${payload.site} after ${attempt} attempts`);
    return;
  }
  await deps.queue.enqueue(DETACH_DOMAIN_JOB, { ...payload, attempt }, { delayMs: DETACH_RETRY_MS });
}

/**
 * Runs `job` when it is one of the steps above and returns true; false for any other job (the
 * caller hands it to the deploy pipeline). A payload without the fields it needs is dropped.
 */
export async function handleDomainEdgeJob(
  deps: DomainEdgeDeps,
  job: Pick<Job, "type" | "payload">,
  log?: (line: string) => void,
): Promise<boolean> {
  if (job.type !== PROVISION_DOMAIN_JOB && job.type !== DETACH_DOMAIN_JOB) return false;
  const payload = (job.payload ?? {}) as Record<string, unknown>;
  if (typeof payload.hostname !== "string") return true;
  const attempt = typeof payload.attempt === "number" ? payload.attempt : undefined;
  if (job.type === PROVISION_DOMAIN_JOB) {
    const due = typeof payload.due === "string" ? payload.due : undefined;
    await provisionDomainStep(deps, { hostname: payload.hostname, attempt, due });
  } else if (typeof payload.site === "string") {
    await detachDomainStep(deps, { hostname: payload.hostname, site: payload.site, attempt }, log);
  }
  return true;
}
