import type { OpenNextConfig } from "@opennextjs/aws/types/open-next.js";

/**
 * Slipway's OpenNext config: one bundle for every target. The builder runs
 * `open-next build --config-path <this file>`; esbuild bundles this file and the overrides it
 * imports into the functions. Each override picks its backend at run time from env vars
 * (names in packages/core/src/runtime-contract.ts), so the artifact the AWS target uploads to
 * Lambda is byte for byte the one the local function host runs.
 *
 * AWS later: each override below becomes a small switch — when `SLIPWAY_CACHE_DIR` is unset and
 * `CACHE_BUCKET_NAME` is set, delegate to OpenNext's S3 cache / DynamoDB tag cache / SQS queue /
 * S3 image loader (the AWS deployer sets those variables on the Lambda).
 */
const config = {
  default: {
    override: {
      // Streaming wrapper + API Gateway v2 events: streaming SSR streams, on Lambda (response
      // streaming) and in Slipway's worker (which installs the same `awslambda` shim).
      wrapper: "aws-lambda-streaming",
      // aws-apigw-v2 with the request's real scheme (see the override).
      converter: () => import("./overrides/converter.ts").then((m) => m.default),
      // Never crashes the worker on an unreachable rewrite target: 502 for that request.
      proxyExternalRequest: () => import("./overrides/proxy-external-request.ts").then((m) => m.default),
      incrementalCache: () => import("./overrides/incremental-cache.ts").then((m) => m.default),
      tagCache: () => import("./overrides/tag-cache.ts").then((m) => m.default),
      queue: () => import("./overrides/queue.ts").then((m) => m.default),
    },
  },
  imageOptimization: {
    loader: () => import("./overrides/image-loader.ts").then((m) => m.default),
    // sharp must match the CPU it runs on (x64 here and on x86 Lambdas); --prefer-offline avoids
    // a ~38 min stall in npm retries when the registry is unreachable and the cache is warm.
    install: {
      packages: ["sharp@0.35.5"],
      arch: "x64",
      os: "linux",
      libc: "glibc",
      additionalArgs: "--prefer-offline",
    },
  },
} satisfies OpenNextConfig;

export default config;
