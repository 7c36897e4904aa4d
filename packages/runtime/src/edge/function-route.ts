import { type DeploymentManifest, matchesRoute, parseRoutePattern, type RouteSegment } from "@slipway/core";
import type { FunctionKind } from "../function-host/types.ts";

/** A deployment's routed functions (edge runtime routes), parsed once per deployment. */
export interface FunctionRoutes {
  readonly hasImageFunction: boolean;
  readonly routed: readonly { readonly name: string; readonly paths: readonly RouteSegment[][] }[];
}

export function functionRoutesOf(manifest: DeploymentManifest): FunctionRoutes {
  return {
    hasImageFunction: manifest.image !== null,
    routed: manifest.functions.map((fn) => ({
      name: fn.name,
      // The manifest was validated: every path parses.
      paths: fn.paths.map((p) => parseRoutePattern(p) ?? []),
    })),
  };
}

/**
 * Which function of a deployment serves a (non-asset) request path: the image optimizer for
 * `/_next/image`, a routed function (an edge runtime route) whose path matches, else the server.
 * Next itself gives a static route precedence over a dynamic one, so a literal match wins.
 */
export function functionFor(routes: FunctionRoutes, path: string): FunctionKind {
  if (path === "/_next/image" && routes.hasImageFunction) return "image";
  if (routes.routed.length === 0) return "server";
  let dynamic: string | null = null;
  for (const fn of routes.routed) {
    for (const segments of fn.paths) {
      if (!matchesRoute(segments, path)) continue;
      if (segments.every((s) => s.kind === "static")) return fn.name;
      dynamic ??= fn.name;
    }
  }
  return dynamic ?? "server";
}
