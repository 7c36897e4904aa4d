import { describe, expect, it } from "vitest";
import { applyServerEnv } from "./env-snapshot.ts";
import { ORIGIN_SECRET_HEADER, originSecretMatches, takeOriginSecret } from "./origin-secret.ts";

describe("the origin secret", () => {
  it("matches only the exact value", () => {
    expect(originSecretMatches("s3cret", "s3cret")).toBe(true);
    expect(originSecretMatches("s3cre", "s3cret")).toBe(false);
    expect(originSecretMatches("s3cret!", "s3cret")).toBe(false);
    expect(originSecretMatches(undefined, "s3cret")).toBe(false);
    // A function configured without a secret refuses everything, never accepts an empty header.
    expect(originSecretMatches("", "")).toBe(false);
  });

  it("is removed from the event before the app sees it, matched or not", () => {
    const ok = { headers: { [ORIGIN_SECRET_HEADER]: "s3cret", accept: "*/*" } };
    expect(takeOriginSecret(ok, "s3cret")).toBe(true);
    expect(ok.headers).toEqual({ accept: "*/*" });
    const bad = { headers: { [ORIGIN_SECRET_HEADER]: "nope" } };
    expect(takeOriginSecret(bad, "s3cret")).toBe(false);
    expect(bad.headers).toEqual({});
  });
});

describe("applying the env snapshot", () => {
  it("sets the snapshot's variables but never overrides the function's own", () => {
    const target: NodeJS.ProcessEnv = { CACHE_BUCKET_NAME: "platform" };
    const skipped = applyServerEnv({ GREETING: "hi", CACHE_BUCKET_NAME: "elsewhere" }, target);
    expect(target).toEqual({ CACHE_BUCKET_NAME: "platform", GREETING: "hi" });
    expect(skipped).toEqual(["CACHE_BUCKET_NAME"]);
  });
});
