import type { IncrementalCache } from "@opennextjs/aws/types/overrides.js";
import { awsBackend, backendFor, once } from "./env.ts";

/**
 * Incremental cache: files on one box (local/incremental-cache.ts), OpenNext's S3 cache on AWS
 * (keys `CACHE_BUCKET_KEY_PREFIX/<deploymentId>/…`, from the Lambda entry: see env.ts). Chosen on
 * first use, never at import: OpenNext imports this module at build time to read its name.
 */
const backend = once(
  async (): Promise<IncrementalCache> =>
    backendFor("incrementalCache") === "local"
      ? (await import("./local/incremental-cache.ts")).default
      : awsBackend<IncrementalCache>("incrementalCache"),
);

const incrementalCache: IncrementalCache = {
  name: "slipway",
  async get(key, cacheType) {
    return (await backend()).get(key, cacheType);
  },
  async set(key, value, cacheType) {
    return (await backend()).set(key, value, cacheType);
  },
  async delete(key) {
    return (await backend()).delete(key);
  },
};

export default incrementalCache;
