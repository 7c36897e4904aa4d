import cf from "cloudfront";

// Slipway's viewer-request CloudFront Function (runtime cloudfront-js-2.0): sends each request to
// its deployment. Keys and values come from route-encoding.ts; docs/aws.md "Routing at the edge".
// Plain JS under 10 KB as shipped (CloudFront's limit): no classes, no optional chaining.

const kvs = cf.kvs();

// `<project>-<deployment id>`: the id is ID_LENGTH (10) lowercase base36 characters.
const DEPLOYMENT_LABEL = /-([a-z0-9]{10})$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
const DEPLOYMENT_ID = /^[a-z0-9]{1,64}$/;
// The only origins a KVS value may name: the secret origin header goes with the request.
const FUNCTION_URL = /^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;
const URL_ID = /^[a-z0-9]{1,63}$/;
const CANARY_COOKIE = "slipway-canary";

function reply(status, description, text) {
  return {
    statusCode: status,
    statusDescription: description,
    headers: {
      "content-type": { value: "text/plain; charset=utf-8" },
      "cache-control": { value: "no-store" },
      "x-content-type-options": { value: "nosniff" },
    },
    body: { encoding: "text", data: `${text}\n` },
  };
}

// undefined when the key is absent (get() throws on a missing key); null when the value is not JSON.
async function lookup(key) {
  let text;
  try {
    text = await kvs.get(key);
  } catch (_absent) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (_absent) {
    return null;
  }
}

function validOrigins(o) {
  return (
    o !== null &&
    typeof o === "object" &&
    typeof o.s === "string" &&
    FUNCTION_URL.test(o.s) &&
    (o.i === undefined || (typeof o.i === "string" && FUNCTION_URL.test(o.i))) &&
    typeof o.a === "string" &&
    (o.f === undefined || Array.isArray(o.f)) &&
    (o.e === undefined ||
      (Array.isArray(o.e) &&
        o.e.every((r) => Array.isArray(r) && typeof r[0] === "string" && r[0][0] === "/" && URL_ID.test(r[1]))))
  );
}

function decoded(part) {
  try {
    return decodeURIComponent(part);
  } catch (_bad) {
    return null;
  }
}

// core's matchesRoute (route-pattern.ts), which the local edge uses: a trailing slash ignored,
// static segments compared as sent and decoded, [param] one segment, [...p] one or more,
// [[...p]] any. Patterns were checked by parseRoutePattern before they were stored.
function routeMatches(pattern, parts) {
  const want = pattern === "/" ? [] : pattern.slice(1).split("/");
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w.indexOf("[...") === 0 || w.indexOf("[[...") === 0) {
      const rest = parts.slice(i);
      if (w[1] === "." && rest.length === 0) return false;
      return rest.every((p) => p !== "" && decoded(p) !== null);
    }
    const part = parts[i];
    if (part === undefined || part === "") return false;
    if (w[0] === "[" ? decoded(part) === null : part !== w && decoded(part) !== w) return false;
  }
  return parts.length === want.length;
}

// The function URL id of the edge-runtime route serving this path, or null (the server). A fully
// static route wins over a dynamic one, as in Next and the local edge (function-route.ts).
function edgeRoute(uri, routes) {
  if (!routes || routes.length === 0) return null;
  const path = uri.length > 1 && uri[uri.length - 1] === "/" ? uri.slice(0, -1) : uri;
  const parts = path === "/" ? [] : path.slice(1).split("/");
  let dynamic = null;
  for (const r of routes) {
    if (!routeMatches(r[0], parts)) continue;
    if (r[0].indexOf("[") === -1) return r[1];
    if (dynamic === null) dynamic = r[1];
  }
  return dynamic;
}

// 0..99, sticky per client: the canary cookie when it holds one, else a hash of the client's
// address and user agent (the same client lands in the same bucket on every request).
function bucketOf(request, viewer) {
  const cookie = request.cookies ? request.cookies[CANARY_COOKIE] : undefined;
  if (cookie && /^[0-9]{1,2}$/.test(cookie.value)) return Number(cookie.value);
  const agent = request.headers["user-agent"];
  const seed = `${viewer?.ip ? viewer.ip : ""}|${agent ? agent.value : ""}`;
  let hash = 2166136261; // FNV-1a, 32 bits
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash % 100;
}

function firstSegment(uri) {
  const end = uri.indexOf("/", 1);
  const segment = end === -1 ? uri.slice(1) : uri.slice(1, end);
  try {
    return decodeURIComponent(segment);
  } catch (_absent) {
    return segment;
  }
}

function isAsset(request, origins) {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (request.uri.indexOf("/_next/static/") === 0) return true;
  const name = firstSegment(request.uri);
  return name !== "" && Array.isArray(origins.f) && origins.f.indexOf(name) !== -1;
}

// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls it by this name.
async function handler(event) {
  const request = event.request;
  const headers = request.headers;
  // Only this function sets x-slipway-* headers: what a client sent is dropped, never trusted.
  for (const name of Object.keys(headers)) {
    if (name.indexOf("x-slipway-") === 0) delete headers[name];
  }
  const host = headers.host
    ? headers.host.value
        .toLowerCase()
        .replace(/:[0-9]*$/, "")
        .replace(/\.$/, "")
    : "";
  if (!HOSTNAME.test(host)) return reply(404, "Not Found", "Slipway: no deployment serves this hostname.");

  // Immutable hosts carry their deployment: one lookup. Others (production, branch, custom
  // domains) are `h:<host>` entries; a label that only looks like one falls through to them.
  let target;
  let origins;
  const label = DEPLOYMENT_LABEL.exec(host.split(".")[0]);
  if (label) {
    origins = await lookup(`d:${label[1]}`);
    if (origins !== undefined) target = { d: label[1] };
  }
  if (target === undefined) {
    target = await lookup(`h:${host}`);
    if (target === undefined) return reply(404, "Not Found", "Slipway: no deployment serves this hostname.");
    if (target === null || typeof target.d !== "string" || !DEPLOYMENT_ID.test(target.d)) {
      return reply(502, "Bad Gateway", "Slipway: the route of this hostname is unreadable.");
    }
    let id = target.d;
    const canaryId = typeof target.c === "string" && typeof target.p === "number" ? target.c : "";
    if (DEPLOYMENT_ID.test(canaryId) && bucketOf(request, event.viewer) < target.p) {
      const canary = await lookup(`d:${canaryId}`);
      // A canary whose deployment is gone serves nobody: its requests stay on the stable one.
      if (canary !== undefined) {
        id = canaryId;
        origins = canary;
      }
    }
    if (id === target.d) origins = await lookup(`d:${id}`);
    target = { d: id };
  }
  if (origins === undefined) return reply(404, "Not Found", "Slipway: this deployment does not exist (any more).");
  if (!validOrigins(origins))
    return reply(502, "Bad Gateway", "Slipway: the origins of this deployment are unreadable.");

  headers["x-slipway-deployment"] = { value: target.d };
  headers["x-forwarded-host"] = { value: host };

  if (isAsset(request, origins)) {
    // The behaviour's own origin is the assets bucket (S3 with OAC): only the key moves.
    request.uri = `/${origins.a}${request.uri}`;
    return request;
  }
  const image = request.uri === "/_next/image" && origins.i ? origins.i : null;
  // An edge route's function is in the server's region: its host is its URL id + the server's suffix.
  const edge = image ? null : edgeRoute(request.uri, origins.e);
  cf.updateRequestOrigin({
    domainName: image || (edge ? edge + origins.s.slice(origins.s.indexOf(".")) : origins.s),
    customOriginConfig: { port: 443, protocol: "https", sslProtocols: ["TLSv1.2"] },
    originAccessControlConfig: { enabled: false },
  });
  return request;
}
