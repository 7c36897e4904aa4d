import { createHmac, timingSafeEqual } from "node:crypto";
import { nowIso } from "../domain/ids.ts";
import type { Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { branchHostname } from "./aliases.ts";
import { cancelBranchPreviews } from "./cancel.ts";
import type { CoreDeps } from "./deps.ts";
import { queueDeployment } from "./queue-deployment.ts";
import { isSha } from "./validation.ts";

export interface GithubDelivery {
  projectId: string;
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  /** The exact bytes GitHub signed: parse only after the signature checks out. */
  rawBody: Buffer;
}

export type WebhookOutcome =
  | { kind: "pong" }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string }
  | { kind: "queued"; deploymentId: string }
  | { kind: "alias-removed"; hostname: string };

const PR_DEPLOY_ACTIONS = new Set(["opened", "synchronize", "reopened"]);

export async function handleGithubWebhook(deps: CoreDeps, delivery: GithubDelivery): Promise<WebhookOutcome> {
  const project = await deps.store.projects.get(delivery.projectId);
  if (!project) throw new SlipwayError("PROJECT_NOT_FOUND", `No project with id "${delivery.projectId}".`);
  // Signature first: recording unverified delivery ids would let anyone burn real ones.
  verifySignature(project.webhookSecret, delivery.signature, delivery.rawBody);
  if (!delivery.deliveryId || !delivery.event) {
    throw new SlipwayError("INVALID_INPUT", "The X-GitHub-Delivery and X-GitHub-Event headers are required.");
  }
  const payload = parsePayload(delivery.rawBody);
  // The delivery id is recorded only once the event is handled (its deployment queued): were it
  // recorded first, a failure in between would make GitHub's redelivery look like a duplicate and
  // drop the push. A redelivery of a handled push finds the deployment queued before (the twin
  // check in queueDeployment) and changes nothing.
  const outcome = await handleEvent(deps, project, delivery.event, payload);
  const fresh = await deps.store.webhookDeliveries.record({
    id: delivery.deliveryId,
    projectId: project.id,
    event: delivery.event,
    receivedAt: nowIso(),
    outcome: outcome.kind,
  });
  return fresh ? outcome : { kind: "duplicate" };
}

async function handleEvent(
  deps: CoreDeps,
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

export function verifySignature(secret: string, header: string | undefined, body: Buffer): void {
  if (!secret) throw new SlipwayError("INTERNAL", "Project has an empty webhook secret."); // never stored so
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header ?? "");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SlipwayError(
      "BAD_SIGNATURE",
      header ? "X-Hub-Signature-256 does not match the body." : "X-Hub-Signature-256 header is missing.",
      "Set the webhook secret in GitHub to the one `slipway projects create` printed, content type application/json.",
    );
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

async function onPush(deps: CoreDeps, project: Project, payload: Record<string, unknown>): Promise<WebhookOutcome> {
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
  deps: CoreDeps,
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
    await deps.store.aliases.delete(hostname);
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
