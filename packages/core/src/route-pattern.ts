/**
 * A Next.js route path as the build names it (`/og`, `/hello/[name]`, `/docs/[...slug]`,
 * `/shop/[[...path]]`), parsed into segments and matched without regular expressions: the
 * pattern comes from build output, and a regex from a build could stall the edge that runs it.
 */
export type RouteSegment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "catch-all"; name: string }
  | { kind: "optional-catch-all"; name: string };

// No `:`, `*` or parentheses: path-to-regexp syntax (`/:path*`) is not a literal path.
const STATIC_SEGMENT = /^[A-Za-z0-9._~!$&'+,;=@%-]{1,200}$/;
const PARAM_NAME = /^[A-Za-z_$][\w$-]{0,63}$/;
const MAX_PATTERN_LENGTH = 1024;

/** The segments of a route path, or null when it is not one this parser accepts. */
export function parseRoutePattern(pattern: string): RouteSegment[] | null {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH || !pattern.startsWith("/")) return null;
  if (pattern === "/") return [];
  const parts = pattern.slice(1).split("/");
  const segments: RouteSegment[] = [];
  for (const [index, part] of parts.entries()) {
    const segment = parseSegment(part);
    if (!segment) return null;
    // A catch-all swallows the rest of the path: anything after it could never match.
    if ((segment.kind === "catch-all" || segment.kind === "optional-catch-all") && index !== parts.length - 1)
      return null;
    segments.push(segment);
  }
  return segments;
}

function parseSegment(part: string): RouteSegment | null {
  const param = <K extends "param" | "catch-all" | "optional-catch-all">(kind: K, name: string) =>
    PARAM_NAME.test(name) ? { kind, name } : null;
  if (part.startsWith("[[...") && part.endsWith("]]")) return param("optional-catch-all", part.slice(5, -2));
  if (part.startsWith("[...") && part.endsWith("]")) return param("catch-all", part.slice(4, -1));
  if (part.startsWith("[") && part.endsWith("]")) return param("param", part.slice(1, -1));
  if (part === "." || part === "..") return null;
  return STATIC_SEGMENT.test(part) ? { kind: "static", value: part } : null;
}

export function isRoutePattern(pattern: string): boolean {
  return parseRoutePattern(pattern) !== null;
}

/**
 * Whether a request path (raw, as sent: no query) matches. A trailing slash is ignored, as Next
 * does; static segments compare both as sent and percent-decoded.
 */
export function matchesRoute(segments: readonly RouteSegment[], path: string): boolean {
  return routeParams(segments, path) !== null;
}

/**
 * The dynamic segments' values (percent-decoded; a catch-all's as a list) when the path
 * matches, else null.
 */
export function routeParams(segments: readonly RouteSegment[], path: string): Record<string, string | string[]> | null {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const parts = trimmed === "/" ? [] : trimmed.slice(1).split("/");
  const params: Record<string, string | string[]> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index];
    if (segment.kind === "optional-catch-all" || segment.kind === "catch-all") {
      const rest = parts.slice(index).map(safeDecode);
      if (segment.kind === "catch-all" && rest.length === 0) return null;
      if (rest.some((p) => p === null || p === "")) return null;
      if (rest.length > 0) params[segment.name] = rest as string[];
      return params;
    }
    if (part === undefined || part === "") return null;
    const decoded = safeDecode(part);
    if (segment.kind === "static") {
      if (part !== segment.value && decoded !== segment.value) return null;
    } else {
      if (decoded === null) return null;
      params[segment.name] = decoded;
    }
  }
  return parts.length === segments.length ? params : null;
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * The same route as a CloudFront path pattern (`hello/*`), the form OpenNext's `patterns` and a
 * CDN behaviour take: everything from the first dynamic segment on becomes `*`.
 */
export function cdnPatternOf(segments: readonly RouteSegment[]): string {
  const fixed: string[] = [];
  for (const segment of segments) {
    if (segment.kind !== "static") return [...fixed, "*"].join("/");
    fixed.push(segment.value);
  }
  return fixed.length > 0 ? fixed.join("/") : "/";
}
