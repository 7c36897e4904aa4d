import { OPEN_NEXT_AWS_ENV } from "@slipway/core/runtime-contract";
import { describe, expect, it } from "vitest";
import { parseOriginSecret, parseSnapshotLocation } from "../server-function/entry-env.ts";
import { assetsPrefix } from "./names.ts";
import { envTooLarge, imageFunctionEnv, LAMBDA_ENV_LIMIT, siteFunctionEnv } from "./site-env.ts";

const input = {
  siteId: "k3j9x0a1b2",
  envBucket: "slipway-artifacts-123456789012-eu-west-1",
  envKey: "env-snapshots/a8c7d6e5f4",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0b8e4d8a-1111-2222-3333-444455556666",
  originSecret: "x".repeat(48),
  caches: {
    bucket: "slipway-caches-123456789012-eu-west-1",
    table: "Slipway-SiteCacheTagsTable1234ABCD-0123456789AB",
    queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/Slipway-Revalidation-0123456789AB.fifo",
    region: "eu-west-1",
  },
};

describe("siteFunctionEnv", () => {
  it("holds pointers and OpenNext's cache settings, far under 4 KB with real-length names", () => {
    const env = siteFunctionEnv(input);
    expect(env.CACHE_BUCKET_KEY_PREFIX).toBe("cache/k3j9x0a1b2/");
    expect(env.REVALIDATION_QUEUE_URL).toBe(input.caches.queueUrl);
    expect(envTooLarge(env)).toBeNull();
    expect(Buffer.byteLength(JSON.stringify(env))).toBeLessThan(LAMBDA_ENV_LIMIT / 2);
  });

  it("is what the server entry parses: the sealed env's location and the origin secret", () => {
    const env = siteFunctionEnv(input);
    expect(parseSnapshotLocation(env)).toEqual({
      bucket: input.envBucket,
      key: input.envKey,
      kmsKeyId: input.kmsKeyArn,
    });
    expect(parseOriginSecret(env)).toBe(input.originSecret);
  });

  it("names the size, the limit and the largest variable when over 4 KB", () => {
    const env = siteFunctionEnv({ ...input, caches: { ...input.caches, table: "t".repeat(4000) } });
    expect(envTooLarge(env)).toMatch(
      /^the function environment is \d+ bytes, over Lambda's 4096-byte limit \(largest: CACHE_DYNAMO_TABLE, 4000 characters\)/,
    );
  });
});

describe("imageFunctionEnv", () => {
  const env = imageFunctionEnv({
    originSecret: input.originSecret,
    assetsBucket: "slipway-edgeassets-123456789012-eu-west-1",
    assetsPrefix: assetsPrefix("a8c7d6e5f4"),
  });

  it("sets every variable OpenNext's S3 image loader needs, pointing at the deployment's static files", () => {
    for (const name of OPEN_NEXT_AWS_ENV.imageLoader) expect(env[name]).toBeTruthy();
    expect(env.BUCKET_NAME).toBe("slipway-edgeassets-123456789012-eu-west-1");
    expect(env.BUCKET_KEY_PREFIX).toBe("assets/a8c7d6e5f4");
  });

  it("carries the origin secret the image entry checks, and nothing of the server's", () => {
    expect(parseOriginSecret(env)).toBe(input.originSecret);
    expect(Object.keys(env).sort()).toEqual(["BUCKET_KEY_PREFIX", "BUCKET_NAME", "SLIPWAY_ORIGIN_SECRET"]);
    expect(envTooLarge(env)).toBeNull();
  });
});
