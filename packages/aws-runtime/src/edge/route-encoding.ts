import { SlipwayError } from "@slipway/core/errors";
import type { DeploymentOrigins, HostTarget } from "./route-table.ts";

/**
 * The route table's keys and values as the KeyValueStore holds them, and as the viewer-request
 * function (viewer-request.js) reads them. The one place they are written: the KVS adapter and the
 * in-memory table encode through here, and the function's tests seed their store through here,
 * so writer and reader cannot drift.
 *
 *   h:<hostname>  → {"d":"<deployment id>"} or {"d":…,"c":"<canary id>","p":<percent>}
 *   d:<deployment> → {"s":"<server URL host>","i":"<image URL host>","a":"<assets prefix>","f":[public names]}
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
  const value: { s: string; i?: string; a: string; f?: readonly string[] } = {
    s: checkFunctionUrlHost(origins.server, "server", deploymentId),
    a: assets,
  };
  if (origins.image !== null) value.i = checkFunctionUrlHost(origins.image, "image", deploymentId);
  if (origins.publicFiles && origins.publicFiles.length > 0) value.f = origins.publicFiles;
  return checkValue(
    key,
    JSON.stringify(value),
    "Move files under public/ into fewer top-level folders: each top-level name is listed.",
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
  const v = JSON.parse(value) as { s: string; i?: string; a: string; f?: string[] };
  return { server: v.s, image: v.i ?? null, assets: v.a, ...(v.f ? { publicFiles: v.f } : {}) };
}
