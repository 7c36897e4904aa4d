import { createHmac, randomUUID } from "node:crypto";
import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };

/** A real GitHub example payload of `event`, with fields replaced. */
export function examplePayload(event: string, patch: (payload: any) => void): any {
  const entry = (examples as Array<{ name: string; examples: unknown[] }>).find((e) => e.name === event);
  if (!entry) throw new Error(`no example for ${event}`);
  const payload = structuredClone(entry.examples[0]) as any;
  patch(payload);
  return payload;
}

export function pushPayload(branch: string, sha: string): any {
  return examplePayload("push", (p) => {
    p.ref = `refs/heads/${branch}`;
    p.after = sha;
    p.deleted = false;
    if (p.head_commit) p.head_commit.id = sha;
  });
}

export function pullRequestPayload(action: string, branch: string, sha: string): any {
  return examplePayload("pull_request", (p) => {
    p.action = action;
    p.pull_request.head.ref = branch;
    p.pull_request.head.sha = sha;
  });
}

export interface WebhookRequest {
  event: string;
  body: string;
  secret?: string;
  /** Overrides the computed signature header (or removes it with null). */
  signature?: string | null;
  deliveryId?: string;
}

export async function sendWebhook(url: string, request: WebhookRequest): Promise<{ status: number; body: any }> {
  const signature =
    request.signature !== undefined
      ? request.signature
      : `sha256=${createHmac("sha256", request.secret ?? "")
          .update(request.body)
          .digest("hex")}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": request.event,
      "x-github-delivery": request.deliveryId ?? randomUUID(),
      ...(signature ? { "x-hub-signature-256": signature } : {}),
    },
    body: request.body,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}
