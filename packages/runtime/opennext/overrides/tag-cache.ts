import type { NextModeTagCache } from "@opennextjs/aws/types/overrides.js";
import { awsBackend, backendFor, once } from "./env.ts";

/**
 * Tag cache, "nextMode" on both targets (no seeding at deploy): a file per tag on one box
 * (local/tag-cache.ts), OpenNext's DynamoDB nextMode cache on AWS (table `CACHE_DYNAMO_TABLE`,
 * keys `<deploymentId>/_tag/<tag>`). Chosen on first use, as the incremental cache.
 */
const backend = once(
  async (): Promise<NextModeTagCache> =>
    backendFor("tagCache") === "local"
      ? (await import("./local/tag-cache.ts")).default
      : awsBackend<NextModeTagCache>("tagCache"),
);

const tagCache: NextModeTagCache = {
  name: "slipway",
  mode: "nextMode",
  async getLastRevalidated(tags) {
    return (await backend()).getLastRevalidated(tags);
  },
  async hasBeenRevalidated(tags, lastModified) {
    return (await backend()).hasBeenRevalidated(tags, lastModified);
  },
  async isStale(tags, lastModified) {
    return (await backend()).isStale?.(tags, lastModified) ?? false;
  },
  async writeTags(tags) {
    return (await backend()).writeTags(tags);
  },
};

export default tagCache;
