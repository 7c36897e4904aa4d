import { describe, expect, it } from "vitest";
import { cdnPatternOf, matchesRoute, parseRoutePattern, routeParams } from "./route-pattern.ts";

const parse = (pattern: string) => {
  const segments = parseRoutePattern(pattern);
  if (!segments) throw new Error(`unparsed ${pattern}`);
  return segments;
};

describe("route patterns from the build", () => {
  it("match static, dynamic and catch-all paths as Next does", () => {
    expect(matchesRoute(parse("/og"), "/og")).toBe(true);
    expect(matchesRoute(parse("/og"), "/og/")).toBe(true);
    expect(matchesRoute(parse("/og"), "/ogx")).toBe(false);
    expect(matchesRoute(parse("/og"), "/og/x")).toBe(false);
    expect(routeParams(parse("/hello/[name]"), "/hello/b%C3%B6b")).toEqual({ name: "böb" });
    expect(matchesRoute(parse("/hello/[name]"), "/hello")).toBe(false);
    expect(matchesRoute(parse("/hello/[name]"), "/hello/a/b")).toBe(false);
    expect(routeParams(parse("/docs/[...slug]"), "/docs/a/b")).toEqual({ slug: ["a", "b"] });
    expect(matchesRoute(parse("/docs/[...slug]"), "/docs")).toBe(false);
    expect(routeParams(parse("/shop/[[...path]]"), "/shop")).toEqual({});
    expect(routeParams(parse("/shop/[[...path]]"), "/shop/x")).toEqual({ path: ["x"] });
    expect(matchesRoute(parse("/"), "/")).toBe(true);
    expect(matchesRoute(parse("/"), "/a")).toBe(false);
  });

  it.each(["og", "", "/a/../b", "/a//b", "/[...rest]/after", "/[na me]", "/:path*", "/(?<x>.*)", "/a\\b"])(
    "refuse %j, which is not a route path this edge can match without a regex",
    (bad) => {
      expect(parseRoutePattern(bad)).toBeNull();
    },
  );

  it("turn into CDN path patterns from the first dynamic segment on", () => {
    expect(cdnPatternOf(parse("/og"))).toBe("og");
    expect(cdnPatternOf(parse("/api/edge-hello"))).toBe("api/edge-hello");
    expect(cdnPatternOf(parse("/hello/[name]"))).toBe("hello/*");
    expect(cdnPatternOf(parse("/[[...all]]"))).toBe("*");
    expect(cdnPatternOf(parse("/"))).toBe("/");
  });
});
