import { nowIso } from "../domain/ids.ts";
import type { Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { branchHostname } from "./aliases.ts";
import { cancelBranchPreviews } from "./cancel.ts";
import type { QueueDeps } from "./queue-deployment.ts";
import { queueDeployment } from "./queue-deployment.ts";
import { webhookSecretOf } from "./repo-access.ts";
import { isSha } from "./validation.ts";
import { startSignatureCheck } from "./webhook-signature.ts";

/** What a delivery says about itself in its headers: all of it is checked before the body is read. */
export interface GithubDeliveryHeaders {
  projectId: string;
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
}

export interface GithubDelivery extends GithubDeliveryHeaders {
  /** The exact bytes GitHub signed: parse only after the signature checks out. */
  rawBody: Uint8Array;
}

export type WebhookOutcome =
  | { kind: "pong" }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string }
  | { kind: "queued"; deploymentId: string }
  | { kind: "alias-removed"; hostname: string };

/** A delivery whose headers passed: the body is fed as it streams in, then finished once. */
export interface GithubDeliveryIntake {
  write(chunk: Uint8Array): void;
  /** Verifies the signature over everything written, then acts on the payload. */
  finish(): Promise<WebhookOutcome>;
}

const PR_DEPLOY_ACTIONS = new Set(["opened", "synchronize", "reopened"]);

/**
 * Opens a delivery from its headers alone: an unknown project (PROJECT_NOT_FOUND) and a missing or
 * malformed signature (BAD_SIGNATURE) are refused before the caller reads a byte of the body.
 * `expectedBytes` (the Content-Length) lets the body be collected into one buffer of that size
 * instead of chunks joined at the end, which would hold it twice.
 */
export async function openGithubDelivery(
  deps: QueueDeps,
  headers: GithubDeliveryHeaders,
  expectedBytes?: number,
): Promise<GithubDeliveryIntake> {
  const project = await deps.store.projects.get(headers.projectId);
  if (!project) throw new SlipwayError("PROJECT_NOT_FOUND", `No project with id "${headers.projectId}".`);
  const check = startSignatureCheck(await webhookSecretOf(deps, project), headers.signature);
  const body = collector(expectedBytes);
  return {
    write(chunk) {
      check.update(chunk);
      body.add(chunk);
    },
    async finish() {
      // Signature first: recording unverified delivery ids would let anyone burn real ones.
      check.verify();
      return actOnDelivery(deps, project, headers, body.bytes());
    },
  };
}

/** Collects a body: into one buffer when its size is known, else as chunks joined once. */
function collector(expectedBytes: number | undefined) {
  let buffer: Buffer | null = null;
  let length = 0;
  let chunks: Uint8Array[] = [];
  return {
    add(chunk: Uint8Array) {
      // Allocated with the first byte, not before: the caller admits the body (and its memory) then.
      if (length === 0 && expectedBytes !== undefined) buffer = Buffer.allocUnsafe(expectedBytes);
      if (buffer && length + chunk.byteLength <= buffer.length) buffer.set(chunk, length);
      else {
        // More than announced: keep what came so far and carry on in chunks.
        if (buffer) chunks = [buffer.subarray(0, length)];
        buffer = null;
        chunks.push(chunk);
      }
      length += chunk.byteLength;
    },
    bytes: (): Buffer => (buffer ? buffer.subarray(0, length) : Buffer.concat(chunks)),
  };
}

/** A delivery whose body is already in memory. */
export async function handleGithubWebhook(deps: QueueDeps, delivery: GithubDelivery): Promise<WebhookOutcome> {
  const intake = await openGithubDelivery(deps, delivery);
  intake.write(delivery.rawBody);
  return intake.finish();
}

async function actOnDelivery(
  deps: QueueDeps,
  project: Project,
  headers: GithubDeliveryHeaders,
  rawBody: Buffer,
): Promise<WebhookOutcome> {
  if (!headers.deliveryId || !headers.event) {
    throw new SlipwayError("INVALID_INPUT", "The X-GitHub-Delivery and X-GitHub-Event headers are required.");
  }
  const payload = parsePayload(rawBody);
  // The delivery id is recorded only once the event is handled (its deployment queued): were it
  // recorded first, a failure in between would make GitHub's redelivery look like a duplicate and
  // drop the push. A redelivery of a handled push finds the deployment queued before (the twin
  // check in queueDeployment) and changes nothing.
  const outcome = await handleEvent(deps, project, headers.event, payload);
  const fresh = await deps.store.webhookDeliveries.record({
    id: headers.deliveryId,
    projectId: project.id,
    event: headers.event,
    receivedAt: nowIso(),
    outcome: outcome.kind,
  });
  return fresh ? outcome : { kind: "duplicate" };
}

async function handleEvent(
  deps: QueueDeps,
  project: Project,
  event: string,
  payload: Record<string, unknown>,
): Promise<WebhookOutcome> {
  switch (event) {
    case "ping":
      return { kind: "pong" };
    case "push":
      return onPush(deps, project, payload);
    case "pull_request":
      return onPullRequest(deps, project, payload);
    default:
      return { kind: "ignored", reason: `event "${event}" is not used by Slipway` };
  }
}

function parsePayload(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {}
  throw new SlipwayError(
    "INVALID_INPUT",
    "Webhook body is not a JSON object.",
    "Set the content type to application/json in GitHub.",
  );
}

async function onPush(deps: QueueDeps, project: Project, payload: Record<string, unknown>): Promise<WebhookOutcome> {
  const ref = typeof payload.ref === "string" ? payload.ref : "";
  const after = typeof payload.after === "string" ? payload.after : "";
  if (!ref.startsWith("refs/heads/")) return { kind: "ignored", reason: `ref "${ref}" is not a branch` };
  if (payload.deleted === true || /^0+$/.test(after)) return { kind: "ignored", reason: "branch deleted" };
  if (!isSha(after)) throw new SlipwayError("INVALID_INPUT", `Push "after" value "${after}" is not a commit sha.`);
  const branch = ref.slice("refs/heads/".length);
  const head = (payload.head_commit ?? {}) as { message?: unknown; author?: { name?: unknown } };
  const deployment = await queueDeployment(deps, {
    project,
    sha: after,
    branch,
    environment: branch === project.productionBranch ? "production" : "preview",
    trigger: "webhook:push",
    message: typeof head.message === "string" ? head.message.slice(0, 500) : null,
    author: typeof head.author?.name === "string" ? head.author.name : null,
  });
  return { kind: "queued", deploymentId: deployment.id };
}

interface PullRequest {
  head?: { sha?: unknown; ref?: unknown; repo?: { full_name?: unknown } | null };
  base?: { repo?: { full_name?: unknown } | null };
  title?: unknown;
  user?: { login?: unknown };
}

/**
 * The head repository of a pull request from a fork, else null. A fork's code must not be built
 * with the project's preview env vars (anyone can open one), and its branch names live in another
 * repository: a fork's `main` would otherwise take over, or on close delete, this repository's
 * branch URL. A deleted fork has no head repository at all.
 */
function forkOf(pr: PullRequest): string | null {
  const base = pr.base?.repo?.full_name;
  if (pr.head?.repo === null) return "a deleted fork";
  const head = pr.head?.repo?.full_name;
  return typeof head === "string" && typeof base === "string" && head !== base ? head : null;
}

async function onPullRequest(
  deps: QueueDeps,
  project: Project,
  payload: Record<string, unknown>,
): Promise<WebhookOutcome> {
  const action = String(payload.action ?? "");
  const pr = (payload.pull_request ?? {}) as PullRequest;
  const branch = typeof pr.head?.ref === "string" ? pr.head.ref : "";
  const sha = typeof pr.head?.sha === "string" ? pr.head.sha : "";
  if (!branch) throw new SlipwayError("INVALID_INPUT", "pull_request.head.ref is missing.");
  const fork = forkOf(pr);
  if (fork !== null) return { kind: "ignored", reason: `pull request from ${fork}: forks are not deployed` };
  if (action === "closed") {
    await cancelBranchPreviews(deps, project.id, branch, `pull request #${String(payload.number ?? "?")} closed`);
    const hostname = branchHostname(deps, project, branch);
    if (!(await deps.store.aliases.delete(hostname, project.id))) {
      // The delete only removes this project's row; say so when the hostname is someone else's.
      const other = await deps.store.aliases.get(hostname);
      if (other && other.projectId !== project.id) {
        return { kind: "ignored", reason: `${hostname} belongs to another project` };
      }
    }
    return { kind: "alias-removed", hostname };
  }
  if (!PR_DEPLOY_ACTIONS.has(action)) return { kind: "ignored", reason: `pull_request action "${action}"` };
  if (!isSha(sha)) throw new SlipwayError("INVALID_INPUT", `pull_request.head.sha "${sha}" is not a commit sha.`);
  const deployment = await queueDeployment(deps, {
    project,
    sha,
    branch,
    environment: "preview",
    trigger: "webhook:pull_request",
    message: typeof pr.title === "string" ? pr.title.slice(0, 500) : null,
    author: typeof pr.user?.login === "string" ? pr.user.login : null,
  });
  return { kind: "queued", deploymentId: deployment.id };
}
