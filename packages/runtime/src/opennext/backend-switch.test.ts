import { describe, expect, it } from "vitest";
import { backendFor } from "../../opennext/overrides/env.ts";

describe("the overrides' backend switch", () => {
  it("takes the local backend when the function host's variable is set, whatever else is", () => {
    expect(backendFor("incrementalCache", { SLIPWAY_CACHE_DIR: "/c", CACHE_BUCKET_NAME: "b" })).toBe("local");
    expect(backendFor("queue", { SLIPWAY_REVALIDATE_ORIGIN: "http://127.0.0.1:1" })).toBe("local");
  });

  it("takes OpenNext's AWS backend when all of its variables are set", () => {
    const env = { CACHE_BUCKET_NAME: "b", CACHE_BUCKET_KEY_PREFIX: "sites/a", CACHE_BUCKET_REGION: "eu-west-1" };
    expect(backendFor("incrementalCache", env)).toBe("aws");
    expect(backendFor("tagCache", { CACHE_DYNAMO_TABLE: "t", CACHE_BUCKET_REGION: "eu-west-1" })).toBe("aws");
    expect(backendFor("imageLoader", { BUCKET_NAME: "a", BUCKET_KEY_PREFIX: "assets/d1" })).toBe("aws");
  });

  it("names the AWS variables missing from a partly given set", () => {
    expect(() => backendFor("queue", { REVALIDATION_QUEUE_URL: "https://sqs/q.fifo" })).toThrow(
      /env REVALIDATION_QUEUE_REGION is not set/,
    );
  });

  it("names both sets when neither is given", () => {
    expect(() => backendFor("tagCache", {})).toThrow(
      /SLIPWAY_CACHE_DIR is not set, nor CACHE_DYNAMO_TABLE, CACHE_BUCKET_REGION/,
    );
  });
});
