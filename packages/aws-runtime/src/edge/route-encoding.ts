import { parseRoutePattern } from "@slipway/core";
import { SlipwayError } from "@slipway/core/errors";
import type { DeploymentOrigins, EdgeRouteOrigin, HostTarget } from "./route-table.ts";

/**
 * The route table's keys and values as the KeyValueStore holds them, and as the viewer-request
 * function (viewer-request.js) reads them. The one place they are written: the KVS adapter and the
 * in-memory table encode through here, and the function's tests seed their store through here,
 * so writer and reader cannot drift.
 *
 *   h:<hostname>  → {"d":"<deployment id>"} or {"d":…,"c":"<canary id>","p":<percent>}
 *   d:<deployment> → {"s":"<server URL host>","i":"<image URL host>","a":"<assets prefix>","f":[public names],
 *                     "e":[["<edge route path>","<its function URL id>"],…]}
 *
 * An edge route's function URL is stored by its first label only (`<id>` of
 * `<id>.lambda-url.<region>.on.aws`): every function of a deployment is in the server's region, so
 * the function rebuilds the host from the server's, and each route costs ~50 of the value's 1 KB
 * instead of ~90 (MAX_EDGE_ROUTES routes fit beside the rest).
 */

/** KeyValueStore limits (bytes of UTF-8): larger keys or values are refused by the service. */
export const KVS_KEY_LIMIT = 512;
export const KVS_VALUE_LIMIT = 1024;

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const DEPLOYMENT_ID = /^[a-z0-9]{1,64}$/;
/** A Lambda function URL's host: the only origin a route may name (the origin secret goes there). */
const FUNCTION_URL = /^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;
const ASSETS_PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

const bytes = (value: string) => Buffer.byteLength(value, "utf8");

function refuse(message: string, hint: string): never {
  throw new SlipwayError("INVALID_EDGE_ROUTE", message, hint);
}

/** Hostnames as the function sees them: lowercase, no trailing dot. */
export function normalizeHostname(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.length > 253 || !HOSTNAME.test(host)) {
    refuse(
      `${JSON.stringify(hostname)} is not a hostname the edge can route.`,
      "Use a DNS name such as app.example.com.",
    );
  }
  return host;
}

function checkDeploymentId(id: string, what: string): string {
  if (!DEPLOYMENT_ID.test(id)) {
    refuse(`The ${what} ${JSON.stringify(id)} is not a deployment id.`, "Deployment ids are lowercase base36.");
  }
  return id;
}

function checkKey(key: string): string {
  if (bytes(key) > KVS_KEY_LIMIT) {
    refuse(
      `The edge key ${JSON.stringify(key.slice(0, 80))}… is ${bytes(key)} bytes; the limit is ${KVS_KEY_LIMIT}.`,
      "Use a shorter hostname.",
    );
  }
  return key;
}

function checkValue(key: string, value: string, hint: string): string {
  if (bytes(value) > KVS_VALUE_LIMIT) {
    refuse(
      `The edge value of ${key} is ${bytes(value)} bytes; the limit is ${KVS_VALUE_LIMIT}: ${value.slice(0, 120)}…`,
      hint,
    );
  }
  return value;
}

export const hostKey = (hostname: string) => checkKey(`h:${normalizeHostname(hostname)}`);
export const deploymentKey = (deploymentId: string) => checkKey(`d:${checkDeploymentId(deploymentId, "deployment")}`);

export function encodeHostTarget(hostname: string, target: HostTarget): string {
  const value: { d: string; c?: string; p?: number } = { d: checkDeploymentId(target.deploymentId, "deployment") };
  if (target.canary) {
    const { deploymentId, percent } = target.canary;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      refuse(`The canary share ${percent} of ${hostname} is not a whole percentage.`, "Use an integer from 0 to 100.");
    }
    value.c = checkDeploymentId(deploymentId, "canary deployment");
    value.p = percent;
  }
  return checkValue(hostKey(hostname), JSON.stringify(value), "A host entry names at most two deployment ids.");
}

function checkFunctionUrlHost(host: string, what: string, deploymentId: string): string {
  if (!FUNCTION_URL.test(host)) {
    refuse(
      `The ${what} origin ${JSON.stringify(host)} of deployment ${deploymentId} is not a Lambda function URL host.`,
      "Pass the host of the function URL, e.g. abc123.lambda-url.eu-west-1.on.aws (no scheme, no path).",
    );
  }
  return host;
}

/**
 * How many edge-runtime routes a deployment may have on the AWS target: their paths and function
 * URL ids share the deployment's 1 KB KeyValueStore value with its other origins. The value's
 * size is checked as well (long paths fill it sooner); this bound gives the plain error first.
 */
export const MAX_EDGE_ROUTES = 12;

/** `[path, url id]` for the function: the path a route path, the origin a function URL in the server's region. */
function encodeEdgeRoute(route: EdgeRouteOrigin, server: string, deploymentId: string): [string, string] {
  // The parser admits no quote, backslash or control character: the path is safe in the JSON value.
  if (parseRoutePattern(route.path) === null) {
    refuse(
      `The edge route path ${JSON.stringify(route.path)} of deployment ${deploymentId} is not a route path the edge can match.`,
      "Use a Next route path: /og, /hello/[name], /docs/[...slug] or /shop/[[...path]].",
    );
  }
  const host = checkFunctionUrlHost(route.origin, `edge route ${route.path}`, deploymentId);
  const dot = host.indexOf(".");
  if (host.slice(dot) !== server.slice(server.indexOf("."))) {
    refuse(
      `The edge route ${route.path} of deployment ${deploymentId} is served from ${host}, outside the server function's region (${server}).`,
      "Publish every function of a deployment in one region.",
    );
  }
  return [route.path, host.slice(0, dot)];
}

export function encodeDeploymentOrigins(deploymentId: string, origins: DeploymentOrigins): string {
  const key = deploymentKey(deploymentId);
  const assets = origins.assets;
  if (!ASSETS_PREFIX.test(assets) || assets.split("/").some((part) => part === "." || part === "..")) {
    refuse(
      `The assets prefix ${JSON.stringify(assets)} of deployment ${deploymentId} is not a plain key prefix.`,
      "Use a prefix such as assets/<deployment id>, without leading or trailing slashes.",
    );
  }
  for (const name of origins.publicFiles ?? []) {
    if (
      name === "" ||
      name === "." ||
      name === ".." ||
      name.includes("/") ||
      [...name].some((c) => c.charCodeAt(0) < 0x20)
    ) {
      refuse(
        `The public file name ${JSON.stringify(name)} of deployment ${deploymentId} is not a top-level name.`,
        "List the names directly under public/, e.g. favicon.ico or images.",
      );
    }
  }
  const value: { s: string; i?: string; a: string; f?: readonly string[]; e?: [string, string][] } = {
    s: checkFunctionUrlHost(origins.server, "server", deploymentId),
    a: assets,
  };
  if (origins.image !== null) value.i = checkFunctionUrlHost(origins.image, "image", deploymentId);
  if (origins.publicFiles && origins.publicFiles.length > 0) value.f = origins.publicFiles;
  const edge = origins.edge ?? [];
  if (edge.length > MAX_EDGE_ROUTES) {
    refuse(
      `Deployment ${deploymentId} has ${edge.length} edge-runtime route paths (${edge.map((r) => r.path).join(", ")}); the AWS target routes at most ${MAX_EDGE_ROUTES}.`,
      'Use the Node.js runtime for some of them (remove `export const runtime = "edge"`).',
    );
  }
  if (edge.length > 0) value.e = edge.map((route) => encodeEdgeRoute(route, value.s, deploymentId));
  return checkValue(
    key,
    JSON.stringify(value),
    edge.length > 0
      ? "Use the Node.js runtime for some edge-runtime routes, or move files under public/ into fewer top-level folders: each route and top-level name is listed."
      : "Move files under public/ into fewer top-level folders: each top-level name is listed.",
  );
}

/** Reads back a host value (for the in-memory table and tests; the function parses the same JSON). */
export function decodeHostTarget(value: string): HostTarget {
  const v = JSON.parse(value) as { d: string; c?: string; p?: number };
  return v.c === undefined
    ? { deploymentId: v.d }
    : { deploymentId: v.d, canary: { deploymentId: v.c, percent: v.p ?? 0 } };
}

export function decodeDeploymentOrigins(value: string): DeploymentOrigins {
  const v = JSON.parse(value) as { s: string; i?: string; a: string; f?: string[]; e?: [string, string][] };
  const suffix = v.s.slice(v.s.indexOf("."));
  return {
    server: v.s,
    image: v.i ?? null,
    assets: v.a,
    ...(v.f ? { publicFiles: v.f } : {}),
    ...(v.e ? { edge: v.e.map(([path, id]) => ({ path, origin: `${id}${suffix}` })) } : {}),
  };
}
