import { describe, expect, it } from "vitest";
import { warmPathOf } from "./warm-path.ts";

describe("the path an edge route is warmed at", () => {
  it("is the route itself when it has no dynamic segment", () => {
    expect(warmPathOf("/og")).toEqual({ path: "/og", madeUp: false });
    expect(warmPathOf("/")).toEqual({ path: "/", madeUp: false });
  });

  it("fills a parameter and a catch-all with a made-up value, and leaves an optional catch-all out", () => {
    expect(warmPathOf("/hello/[name]")).toEqual({ path: "/hello/slipway-warm", madeUp: true });
    expect(warmPathOf("/docs/[...slug]")).toEqual({ path: "/docs/slipway-warm", madeUp: true });
    expect(warmPathOf("/shop/[[...path]]")).toEqual({ path: "/shop", madeUp: false });
  });

  it("is null for what is not a route path", () => {
    expect(warmPathOf("/:path*")).toBeNull();
    expect(warmPathOf("relative")).toBeNull();
  });
});
