import type { OpenNextConfig } from "@opennextjs/aws/types/open-next.js";

/**
 * Slipway's OpenNext config: one bundle for every target. The builder runs
 * `open-next build --config-path <this file>`; esbuild bundles this file and the overrides it
 * imports into the functions. Each override picks its backend at run time from env vars
 * (names in packages/core/src/runtime-contract.ts), so the artifact the AWS target uploads to
 * Lambda is byte for byte the one the local function host runs.
 *
 * The cache, tag cache, queue and image loader overrides are switches: the local backend when the
 * function host's SLIPWAY_* variables are set, OpenNext's S3 / DynamoDB / SQS backends when the
 * AWS Deployer's variables are (overrides/env.ts).
 */
/**
 * Override for each edge runtime function the builder adds to the generated config (OpenNext
 * `functions.<name>`, one per edge route): the same event shape as the server function, with the
 * wrapper that gives Next's edge code its bundled assets. Edge bundles are compiled for a
 * browser-like platform, so the generated config also marks `node:*` external.
 */
export const edgeFunctionOverride = {
  wrapper: () => import("./overrides/edge-wrapper.ts").then((m) => m.default),
  converter: "aws-apigw-v2",
} as const;

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
    // No per-build `npm install sharp`: the builder copies sharp (linux x64, installed once into
    // the toolchain folder, see packages/builder/src/toolchain/) into the image function after
    // OpenNext's build. OpenNext skips its install only for a falsy value (undefined means
    // "install arm64 sharp"), which its type does not allow, hence the cast.
    install: false as never,
  },
} satisfies OpenNextConfig;

export default config;
