import { AWS_BACKENDS_GLOBAL } from "@slipway/core/runtime-contract";

/**
 * Hands OpenNext's own AWS backends to Slipway's overrides in the artifact (their switches take
 * them when OpenNext's AWS env is set: packages/runtime/opennext/overrides/env.ts). They are
 * bundled here, in the Lambda entry, so the artifact the local host also runs carries no AWS SDK.
 * Each loads on first use: OpenNext's modules read their env and make their client when loaded.
 */
export function installAwsBackends(): void {
  (globalThis as Record<string, unknown>)[AWS_BACKENDS_GLOBAL] = {
    incrementalCache: () => import("@opennextjs/aws/overrides/incrementalCache/s3.js").then((m) => m.default),
    tagCache: () => import("@opennextjs/aws/overrides/tagCache/dynamodb-nextMode.js").then((m) => m.default),
    queue: () => import("@opennextjs/aws/overrides/queue/sqs.js").then((m) => m.default),
    imageLoader: () => import("@opennextjs/aws/overrides/imageLoader/s3.js").then((m) => m.default),
  };
}
