import { describe, expect, it } from "vitest";
import { projectAwsCost } from "./projection.ts";

describe("projectAwsCost", () => {
  it("matches a hand calculation from the price table", () => {
    // One 30-day month: 3,000,000 requests, 2,000,000 of them to the function, each 100 ms at 1 GB
    // (200,000 GB-s), 100 GiB out, 5 GiB of assets, 400 files uploaded.
    const projection = projectAwsCost({
      windowMs: 30 * 86_400_000,
      requests: 3_000_000,
      invocations: 2_000_000,
      gbSeconds: 200_000,
      bytesOut: 100 * 1024 ** 3,
      storageBytes: 5 * 1024 ** 3,
      uploads: 400,
    });
    // By hand:
    //   Lambda requests   2,000,000 × $0.20 / 1M          = $0.40
    //   Lambda compute    200,000 GB-s × $0.0000166667    = $3.33334
    //   CloudFront reqs   3,000,000 × $0.01 / 10,000      = $3.00
    //   CloudFront out    100 GB × $0.085                 = $8.50
    //   S3 storage        5 GB-month × $0.023             = $0.115
    //   S3 GETs           1,000,000 × $0.0004 / 1,000     = $0.40
    //   S3 PUTs           400 × $0.005 / 1,000            = $0.002
    //   total                                             = $15.75034
    const usd = Object.fromEntries(projection.lines.map((l) => [`${l.service} ${l.item}`, l.usd]));
    expect(usd).toEqual({
      "Lambda requests": 0.4,
      "Lambda compute": 3.33334,
      "CloudFront requests": 3,
      "CloudFront transfer out": 8.5,
      "S3 storage": 0.115,
      "S3 GET requests": 0.4,
      "S3 PUT requests": 0.002,
    });
    expect(projection.windowUsd).toBeCloseTo(15.75034, 6);
    expect(projection.monthlyUsd).toBeCloseTo(15.75034, 6);
    expect(projection.region).toBe("us-east-1");
  });

  it("scales a day of traffic to a month, storage billed once per month", () => {
    const day = projectAwsCost({
      windowMs: 86_400_000,
      requests: 10_000,
      invocations: 10_000,
      gbSeconds: 0,
      bytesOut: 0,
      storageBytes: 1024 ** 3,
      uploads: 0,
    });
    // Per day: 10,000 × ($0.20/1M + $0.01/10k) = $0.002 + $0.01; storage 1 GB × $0.023 / 30.
    expect(day.windowUsd).toBeCloseTo(0.012 + 0.023 / 30, 6);
    // Per month: 30 × $0.012 + $0.023.
    expect(day.monthlyUsd).toBeCloseTo(0.36 + 0.023, 5);
  });
});
