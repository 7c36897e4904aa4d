import type { BuildCache } from "@slipway/core";

export type MemoryBuildCache = BuildCache & {
  /** Pretends builds of `projectId` left `bytes` of cache behind. */
  fill(projectId: string, bytes: number): void;
  /** Projects that have a cache. */
  projects(): string[];
};

/** A BuildCache that holds sizes only: what a test filled is what a clear reports freed. */
export function createMemoryBuildCache(): MemoryBuildCache {
  const sizes = new Map<string, number>();
  return {
    name: "memory",
    fill(projectId, bytes) {
      sizes.set(projectId, (sizes.get(projectId) ?? 0) + bytes);
    },
    projects: () => [...sizes.keys()].sort(),
    async clear(projectId) {
      const ids = projectId === null ? [...sizes.keys()] : [projectId];
      let bytesFreed = 0;
      for (const id of ids) {
        bytesFreed += sizes.get(id) ?? 0;
        sizes.delete(id);
      }
      return { bytesFreed };
    },
  };
}
