import type { IncomingMessage } from "node:http";
import type { EdgeTarget } from "./types.ts";

/**
 * The canary split of a production hostname, the same as the AWS edge's (viewer-request.js,
 * docs/aws.md "What the function does") so a client sees the same behaviour on both targets: a
 * client whose bucket (0–99) is below the canary's percent gets the canary deployment. The
 * bucket is the `slipway-canary` cookie when it holds 0–99, else a hash of the client's address
 * and user agent, so a client stays on one side on every request without any state here.
 */
export const CANARY_COOKIE = "slipway-canary";

/**
 * Only the edge's own background refreshes (over its private socket) carry it: a stale page of
 * one side is refreshed from that side, not from wherever the refresher's hash would land.
 */
export const REFRESH_PIN_HEADER = "x-slipway-refresh-deployment";

/** The target this request goes to: `target` itself, or its canary's deployment. */
export function splitTarget(
  target: EdgeTarget,
  req: IncomingMessage,
  trustForwardedFor: boolean,
  isRefresh: boolean,
): EdgeTarget {
  const canary = target.canary;
  if (!canary) return target;
  const toCanary = isRefresh
    ? req.headers[REFRESH_PIN_HEADER] === canary.deploymentId
    : bucketOf(req, trustForwardedFor) < canary.percent;
  return toCanary ? { deploymentId: canary.deploymentId, projectId: target.projectId } : target;
}

/** 0..99, sticky per client (the AWS function's bucketOf, byte for byte the same hash). */
export function bucketOf(req: IncomingMessage, trustForwardedFor: boolean): number {
  const cookie = cookieBucket(req.headers.cookie);
  if (cookie !== null) return cookie;
  const agent = req.headers["user-agent"] ?? "";
  const seed = `${clientAddress(req, trustForwardedFor)}|${agent}`;
  let hash = 2166136261; // FNV-1a, 32 bits
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash % 100;
}

/** The `slipway-canary` cookie's value when it is a bucket (one or two digits), else null. */
function cookieBucket(header: string | undefined): number | null {
  if (!header) return null;
  let at = header.indexOf(`${CANARY_COOKIE}=`);
  // A name that merely ends in ours (`my-slipway-canary=`) is another cookie.
  while (at > 0 && header[at - 1] !== ";" && header[at - 1] !== " ") {
    at = header.indexOf(`${CANARY_COOKIE}=`, at + 1);
  }
  if (at < 0) return null;
  const start = at + CANARY_COOKIE.length + 1;
  const end = header.indexOf(";", start);
  const value = (end < 0 ? header.slice(start) : header.slice(start, end)).trim();
  return /^[0-9]{1,2}$/.test(value) ? Number(value) : null;
}

/**
 * The client's address as CloudFront's `viewer.ip` gives it: IPv4 without Node's `::ffff:`
 * mapping; behind a trusted proxy the first X-Forwarded-For entry (the edge is not the first hop).
 */
function clientAddress(req: IncomingMessage, trustForwardedFor: boolean): string {
  const forwarded = trustForwardedFor ? req.headers["x-forwarded-for"] : undefined;
  const address =
    typeof forwarded === "string" ? (forwarded.split(",")[0] ?? "").trim() : (req.socket.remoteAddress ?? "");
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
