import { parseRoutePattern } from "@slipway/core";

/** What a dynamic segment is filled with when a route is warmed: any value matches it. */
const WARM_PARAM = "slipway-warm";

/**
 * A request path that matches an edge route (`/hello/[name]` → `/hello/slipway-warm`), for the
 * pre-warm request to its function; whether the path had to make up a parameter (then the app
 * may fairly answer it with an error: the function still started). Null for a path that is not a
 * route pattern (the manifest's schema refuses those before this runs).
 */
export function warmPathOf(routePath: string): { path: string; madeUp: boolean } | null {
  const segments = parseRoutePattern(routePath);
  if (!segments) return null;
  const parts = segments.flatMap((segment) => {
    if (segment.kind === "static") return [segment.value];
    // An optional catch-all matches its route without any segment.
    return segment.kind === "optional-catch-all" ? [] : [WARM_PARAM];
  });
  return { path: `/${parts.join("/")}`, madeUp: segments.some((s) => s.kind === "param" || s.kind === "catch-all") };
}
