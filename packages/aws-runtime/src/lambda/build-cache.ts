import type { BlobStore, BuildCache } from "@slipway/core";

/** Where a project's build caches live in the caches bucket (the start step hands builds this prefix). */
export const projectCachePrefix = (projectId: string) => `projects/${projectId}/`;

/**
 * Build caches in the caches bucket, one prefix per project. Clearing deletes the objects one by
 * one (a cache holds a few archives) and counts the bytes it found.
 */
export function createBucketBuildCache(caches: BlobStore): BuildCache {
  return {
    name: "s3-build-cache",
    async clear(projectId) {
      let bytesFreed = 0;
      for (const key of await caches.list(projectId === null ? "projects/" : projectCachePrefix(projectId))) {
        const found = await caches.head(key);
        if (await caches.delete(key)) bytesFreed += found?.size ?? 0;
      }
      return { bytesFreed };
    },
  };
}
