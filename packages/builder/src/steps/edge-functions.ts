import { realpath } from "node:fs/promises";
import path from "node:path";
import { cdnPatternOf, FUNCTION_NAME, flatAssetName, parseRoutePattern } from "@slipway/core";
import { BuildFailure } from "../failure.ts";
import { readBuildFile, writeFresh } from "../output/safe-fs.ts";

// Next writes a few KB per function; a bigger file is not Next's.
const MIDDLEWARE_MANIFEST_LIMIT = 4 * 1024 * 1024;
const MAX_EDGE_FUNCTIONS = 100;
/** `app/og/route`, `app/(marketing)/blog/[slug]/page`, `pages/api/hello`. */
const ROUTE_NAME = /^(app|pages)(\/[A-Za-z0-9._~!$&'()*+,;=:@%[\]-]{1,200}){1,64}$/;

/** One edge-runtime route: the OpenNext function that will bundle it and where requests reach it. */
export interface EdgeFunction {
  /** Function name: `edge-og`, `edge-hello-name` (folder under `server-functions/`). */
  readonly name: string;
  /** Next's name for the route, which OpenNext's `functions.<name>.routes` takes. */
  readonly route: string;
  /** Route path as Next matches it: `/og`, `/hello/[name]`. */
  readonly path: string;
  /** CloudFront-style pattern for OpenNext's `patterns` and a CDN behaviour: `og`, `hello/*`. */
  readonly cdnPattern: string;
}

interface ManifestFunction {
  name?: unknown;
  matchers?: unknown;
  assets?: unknown;
}

/**
 * The routes `next build` compiled for the edge runtime (`.next/server/middleware-manifest.json`,
 * `functions`), each to be bundled by OpenNext as its own function: OpenNext refuses an edge route
 * inside the default server function and bundles one edge route per function. Build output, so
 * every name and path is checked; a route whose path Slipway cannot route fails the build and
 * names the route.
 *
 * Also adapts Next 16's manifest to what OpenNext 4.1.16 can bundle: assets whose names hold a
 * `/` (`next/og`'s font `server/edge/assets/Geist-Regular.….ttf`) are renamed flat, because
 * OpenNext copies each to `assets/<name>` without creating the folders in the name (the edge
 * wrapper, packages/runtime/opennext/overrides/edge-wrapper.ts, reads them under the same flat
 * name); matcher regexps' Python-style groups `(?P<name>` become JavaScript's `(?<name>`, which
 * OpenNext's edge handler compiles with `new RegExp`.
 */
export async function prepareEdgeFunctions(appDir: string): Promise<EdgeFunction[]> {
  const file = path.join(appDir, ".next", "server", "middleware-manifest.json");
  // No link anywhere on the way: the host reads and rewrites this file.
  const real = await realpath(file).catch(() => null);
  if (real === null) return [];
  if (real !== path.join(await realpath(appDir), ".next", "server", "middleware-manifest.json")) {
    throw new BuildFailure("build output .next/server/middleware-manifest.json is reached through a symlink");
  }
  const label = "build output .next/server/middleware-manifest.json";
  const manifest = parseJson(await readBuildFile(file, MIDDLEWARE_MANIFEST_LIMIT, label), label);
  const functions = manifest.functions;
  if (functions === undefined) return [];
  if (functions === null || typeof functions !== "object" || Array.isArray(functions)) {
    throw new BuildFailure(`${label} has an unreadable "functions" entry`);
  }
  const entries = Object.values(functions as Record<string, ManifestFunction>);
  if (entries.length > MAX_EDGE_FUNCTIONS) {
    throw new BuildFailure(`${entries.length} edge runtime routes: Slipway deploys at most ${MAX_EDGE_FUNCTIONS}`);
  }
  const taken = new Set<string>();
  const result = entries.map((fn) => describe(fn, taken));
  refuseMiddlewareBypass(manifest.middleware, result);
  if (entries.map(adaptForOpenNext).some(Boolean)) {
    await writeFresh(file, JSON.stringify(manifest), label);
  }
  return result;
}

/**
 * Middleware runs in the server function; an edge route's requests go straight to its own
 * function, so middleware would not run for them (an auth check silently skipped). Refused
 * when a middleware matcher matches a static edge route, and for any dynamic edge route when
 * there is middleware at all (its matchers cannot be compared with every value of a param).
 */
function refuseMiddlewareBypass(middleware: unknown, edge: readonly EdgeFunction[]): void {
  const entries = middleware !== null && typeof middleware === "object" ? Object.values(middleware) : [];
  if (entries.length === 0 || edge.length === 0) return;
  const regexps = entries.flatMap((entry) =>
    Array.isArray((entry as { matchers?: unknown }).matchers)
      ? ((entry as { matchers: { regexp?: unknown }[] }).matchers.map((m) => m?.regexp) as unknown[])
      : [null],
  );
  for (const fn of edge) {
    const isStatic = !fn.path.includes("[");
    if (!isStatic || regexps.some((regexp) => matchesOrUnknown(regexp, fn.path))) {
      throw new BuildFailure(
        `edge runtime in ${fn.route}: middleware would not run for ${fn.path}, and Slipway does not run middleware before edge runtime routes yet. Use the Node.js runtime for this route (remove \`export const runtime = "edge"\`; next/og works there too) or exclude it from the middleware matcher`,
      );
    }
  }
}

/** Whether a middleware matcher matches a path; a matcher this cannot read counts as matching. */
function matchesOrUnknown(regexp: unknown, path: string): boolean {
  if (typeof regexp !== "string" || regexp.length > 4096) return true;
  try {
    return new RegExp(regexp.replaceAll("(?P<", "(?<")).test(path);
  } catch {
    return true;
  }
}

function describe(fn: ManifestFunction, taken: Set<string>): EdgeFunction {
  const route = typeof fn.name === "string" && ROUTE_NAME.test(fn.name) ? fn.name : null;
  if (route === null) throw new BuildFailure(`edge runtime route with an unexpected name: ${String(fn.name)}`);
  const sources = Array.isArray(fn.matchers)
    ? fn.matchers.map((m) => (m as { originalSource?: unknown }).originalSource)
    : [];
  const source = sources.length === 1 && typeof sources[0] === "string" ? sources[0] : null;
  const segments = source === null ? null : parseRoutePattern(source);
  if (source === null || segments === null) {
    // basePath, i18n locales and rewrites-only matchers land here: say which route, and why.
    throw new BuildFailure(
      `edge runtime in ${route}: Slipway cannot route its path ${JSON.stringify(sources)} yet (supported: plain paths, [param], [...param], [[...param]]; no basePath or i18n)`,
    );
  }
  return { name: uniqueName(route, taken), route, path: source, cdnPattern: cdnPatternOf(segments) };
}

/** `app/hello/[name]/route` → `edge-hello-name`; a numbered suffix keeps names unique. */
export function functionNameFor(route: string): string {
  const words = route
    .replace(/^(app|pages)\//, "")
    .replace(/(^|\/)(route|page)$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `edge-${words || "index"}`.slice(0, 40).replace(/-+$/, "");
}

function uniqueName(route: string, taken: Set<string>): string {
  const base = functionNameFor(route);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  if (!FUNCTION_NAME.test(name)) throw new BuildFailure(`edge runtime in ${route}: no usable function name (${name})`);
  taken.add(name);
  return name;
}

function adaptForOpenNext(fn: ManifestFunction): boolean {
  let changed = false;
  for (const asset of Array.isArray(fn.assets) ? (fn.assets as { name?: unknown }[]) : []) {
    if (typeof asset?.name === "string" && asset.name.includes("/")) {
      asset.name = flatAssetName(asset.name);
      changed = true;
    }
  }
  for (const matcher of Array.isArray(fn.matchers) ? (fn.matchers as { regexp?: unknown }[]) : []) {
    if (typeof matcher?.regexp === "string" && matcher.regexp.includes("(?P<")) {
      matcher.regexp = matcher.regexp.replaceAll("(?P<", "(?<");
      changed = true;
    }
  }
  return changed;
}

function parseJson(body: Buffer, label: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new BuildFailure(`${label} is not valid JSON`);
}
