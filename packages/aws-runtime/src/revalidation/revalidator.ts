import http from "node:http";
import https from "node:https";
import type { AliasRepo, BlobStore } from "@slipway/core";
import type { SqsBatchResponse, SqsEvent } from "../lambda/steps.ts";
import { loadPreviewModeId } from "./preview-mode-id.ts";

/**
 * The platform's revalidator: one function drains the sites' FIFO revalidation queues (what
 * OpenNext's SQS queue override sends when a page goes stale: `{ host, url, eTag, lastModified }`).
 * Per message: the host's current deployment (its alias), that deployment's `previewModeId`
 * (recorded at deploy time), then the request OpenNext's own revalidation function sends:
 * `HEAD https://<host><url>` with `x-prerender-revalidate` and `x-isr: 1`, through CloudFront, so
 * it reaches the deployment the host serves now and regenerates the page in its cache.
 */
export interface RevalidatorOptions {
  readonly aliases: Pick<AliasRepo, "get">;
  readonly blobs: BlobStore;
  /** Where the HEAD goes, Host header kept. @default `https://<host>` (the edge) */
  readonly edgeOrigin?: string;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface RevalidationMessage {
  readonly host: string;
  readonly url: string;
}

/** As OpenNext's revalidation function: anything else is a failed revalidation, retried by SQS. */
const ALLOWED_STATUS = new Set([200, 307, 308, 404]);
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The message is written by a site's own code: only a hostname and a path on it pass. */
export function parseRevalidationMessage(body: string): RevalidationMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const { host, url } = (parsed ?? {}) as { host?: unknown; url?: unknown };
  if (typeof host !== "string" || typeof url !== "string") return null;
  const hostname = host.toLowerCase();
  if (!HOSTNAME.test(hostname)) return null;
  if (!url.startsWith("/") || url.startsWith("//") || url.length > 2048 || /[\s\\]/.test(url)) return null;
  return { host: hostname, url };
}

export function createRevalidationHandler(options: RevalidatorOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const previewIds = new Map<string, string>();

  async function previewModeIdOf(deploymentId: string): Promise<string | null> {
    const known = previewIds.get(deploymentId);
    if (known) return known;
    const id = await loadPreviewModeId(options.blobs, deploymentId);
    if (id) previewIds.set(deploymentId, id);
    return id;
  }

  /** True when done (or pointless to retry), false when SQS should deliver it again. */
  async function revalidate(messageId: string, body: string): Promise<boolean> {
    const message = parseRevalidationMessage(body);
    if (!message) {
      log(`revalidator: dropped message ${messageId}: not a revalidation of a path on a hostname`);
      return true;
    }
    const alias = await options.aliases.get(message.host);
    if (!alias) {
      log(`revalidator: dropped ${message.host}${message.url}: the host serves no deployment`);
      return true;
    }
    const previewModeId = await previewModeIdOf(alias.deploymentId);
    if (!previewModeId) {
      log(
        `revalidator: dropped ${message.host}${message.url}: deployment ${alias.deploymentId} has no preview mode id`,
      );
      return true;
    }
    const { status, cache } = await head(message, previewModeId);
    if (ALLOWED_STATUS.has(status) && cache === "REVALIDATED") return true;
    log(`revalidator: ${message.host}${message.url} answered ${status} (x-nextjs-cache ${cache ?? "absent"})`);
    return false;
  }

  function head(message: RevalidationMessage, previewModeId: string): Promise<{ status: number; cache?: string }> {
    const target = new URL(message.url, options.edgeOrigin ?? `https://${message.host}`);
    const client = target.protocol === "http:" ? http : https;
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = client.request(
        target,
        {
          method: "HEAD",
          headers: { host: message.host, "x-prerender-revalidate": previewModeId, "x-isr": "1" },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          const cache = res.headers["x-nextjs-cache"];
          resolve({ status: res.statusCode ?? 0, cache: Array.isArray(cache) ? cache[0] : cache });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end();
    });
  }

  // FIFO queues: after a failure the rest of the batch is handed back unprocessed, as AWS asks of
  // partial batch responses on FIFO queues, so a message group keeps its order.
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const batchItemFailures: SqsBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      let done = false;
      if (batchItemFailures.length === 0) {
        try {
          done = await revalidate(record.messageId, record.body);
        } catch (error) {
          log(`revalidator: message ${record.messageId} failed: ${(error as Error).message}`);
        }
      }
      if (!done) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };
}
