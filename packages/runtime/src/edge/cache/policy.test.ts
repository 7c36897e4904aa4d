import { describe, expect, it } from "vitest";
import { parseCacheControl } from "./cache-control.ts";
import { imageCacheControl } from "./image-cache-control.ts";
import { requestDecision, responseLifetime } from "./policy.ts";

describe("what the edge cache may answer", () => {
  it("answers GET and HEAD only, never with credentials, ranges or draft mode", () => {
    expect(requestDecision("GET", {})).toEqual({ use: true });
    expect(requestDecision("HEAD", { cookie: "theme=dark" })).toEqual({ use: true });
    expect(requestDecision("POST", {}).use).toBe(false);
    expect(requestDecision("GET", { authorization: "Bearer x" }).use).toBe(false);
    expect(requestDecision("GET", { range: "bytes=0-1" }).use).toBe(false);
    expect(requestDecision("GET", { cookie: "a=1; __prerender_bypass=abc" }).use).toBe(false);
    expect(requestDecision("GET", { cookie: "__next_preview_data=abc" }).use).toBe(false);
  });

  it("bypasses and purges on Next's revalidation request", () => {
    expect(requestDecision("HEAD", { "x-prerender-revalidate": "id" })).toMatchObject({ use: false, purge: true });
  });
});

describe("what the edge cache stores, and for how long", () => {
  it("takes s-maxage and stale-while-revalidate from Next's pages", () => {
    expect(responseLifetime(200, { "cache-control": "s-maxage=31536000" })).toEqual({
      freshMs: 31_536_000_000,
      staleMs: 0,
    });
    expect(responseLifetime(200, { "cache-control": "s-maxage=5, stale-while-revalidate=31535995" })).toEqual({
      freshMs: 5000,
      staleMs: 31_535_995_000,
    });
  });

  it("takes max-age only when public, and must-revalidate forbids serving stale", () => {
    expect(responseLifetime(200, { "cache-control": "max-age=60" })).toBeNull();
    expect(
      responseLifetime(200, { "cache-control": "public, max-age=60, must-revalidate, stale-while-revalidate=9" }),
    ).toEqual({ freshMs: 60_000, staleMs: 0 });
  });

  it("never stores private, no-store, no-cache, Set-Cookie, cookie-varying or uncacheable statuses", () => {
    const ok = { "cache-control": "s-maxage=60" };
    expect(responseLifetime(200, ok)).not.toBeNull();
    expect(responseLifetime(200, { "cache-control": "private, s-maxage=60" })).toBeNull();
    expect(responseLifetime(200, { "cache-control": "no-store, s-maxage=60" })).toBeNull();
    expect(
      responseLifetime(200, { "cache-control": "private, no-cache, no-store, max-age=0, must-revalidate" }),
    ).toBeNull();
    expect(responseLifetime(200, { ...ok, "set-cookie": ["a=1"] })).toBeNull();
    expect(responseLifetime(200, { ...ok, vary: "rsc, Cookie" })).toBeNull();
    expect(responseLifetime(200, { ...ok, vary: "*" })).toBeNull();
    expect(responseLifetime(200, { ...ok, vary: "Authorization" })).toBeNull();
    expect(responseLifetime(500, ok)).toBeNull();
    expect(responseLifetime(206, ok)).toBeNull();
    expect(responseLifetime(200, { "cache-control": "s-maxage=0" })).toBeNull();
    expect(responseLifetime(200, {})).toBeNull();
  });

  it("parses directives case-insensitively and ignores malformed numbers", () => {
    expect(parseCacheControl("Public, Max-Age=10, S-MAXAGE=abc")).toMatchObject({
      public: true,
      maxAge: 10,
      sMaxAge: undefined,
    });
  });
});

describe("image Cache-Control, as next start sends it", () => {
  it("keeps immutable for hashed static imports only", () => {
    expect(imageCacheControl("/_next/static/media/logo.abc123.png", "public,max-age=14400,immutable")).toBe(
      "public, max-age=315360000, immutable",
    );
    expect(imageCacheControl("/photo.png", "public,max-age=14400,immutable")).toBe(
      "public, max-age=14400, must-revalidate",
    );
    expect(imageCacheControl("https://cdn.example/a.png", "public,max-age=60,immutable")).toBe(
      "public, max-age=60, must-revalidate",
    );
  });
});
