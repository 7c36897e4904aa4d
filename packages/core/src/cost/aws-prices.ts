/**
 * AWS list prices, us-east-1, on-demand, without free tiers, in USD. The one place they are kept:
 * update the numbers and `AWS_PRICES_DATE` together, from the public pricing pages
 * (aws.amazon.com/lambda/pricing, /cloudfront/pricing, /s3/pricing).
 */
export const AWS_PRICES_DATE = "2025-01-15";

export const AWS_PRICES = {
  region: "us-east-1",
  lambda: {
    /** Per request (x86 and arm64 alike): $0.20 per million. */
    perRequest: 0.2 / 1_000_000,
    /** Per GB-second, x86, first 6 billion GB-s a month. */
    perGbSecond: 0.0000166667,
  },
  cloudFront: {
    /** HTTPS requests, United States / Europe: $0.0100 per 10,000. */
    perRequest: 0.01 / 10_000,
    /** Data transfer out to the internet, United States / Europe, first 10 TB a month. */
    perGbOut: 0.085,
  },
  s3: {
    /** S3 Standard, first 50 TB a month. */
    perGbMonth: 0.023,
    /** GET and other reads: $0.0004 per 1,000. */
    perGetRequest: 0.0004 / 1000,
    /** PUT, COPY, POST, LIST: $0.005 per 1,000. */
    perPutRequest: 0.005 / 1000,
  },
} as const;
