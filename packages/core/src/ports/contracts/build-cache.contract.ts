import { expect } from "vitest";
import type { BuildCache } from "../build-cache.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

export interface BuildCacheContractOptions extends ContractOptions<BuildCache> {
  /** Leaves `bytes` of cache for `projectId`, as builds would (the rig knows where and how). */
  fill(cache: BuildCache, projectId: string, bytes: number): Promise<void>;
}

/** The BuildCache contract: the builder's cache dir, the CodeBuild cache bucket… run these. */
export function runBuildCacheContract(options: BuildCacheContractOptions): void {
  defineContract<BuildCache>(
    "BuildCache",
    options,
    async () => {},
    (test) => {
      test("clearing a project frees what it held and leaves the others", async (cache) => {
        await options.fill(cache, "prj_a", 1_000);
        await options.fill(cache, "prj_b", 300);
        expect(await cache.clear("prj_a")).toEqual({ bytesFreed: 1_000 });
        expect(await cache.clear("prj_b")).toEqual({ bytesFreed: 300 });
      });

      test("clearing is idempotent: again, or for a project without a cache, it frees 0", async (cache) => {
        await options.fill(cache, "prj_a", 1_000);
        await cache.clear("prj_a");
        expect(await cache.clear("prj_a")).toEqual({ bytesFreed: 0 });
        expect(await cache.clear("prj_never_built")).toEqual({ bytesFreed: 0 });
      });

      test("clearing every project frees the sum, and then nothing is left", async (cache) => {
        await options.fill(cache, "prj_a", 1_000);
        await options.fill(cache, "prj_b", 300);
        expect(await cache.clear(null)).toEqual({ bytesFreed: 1_300 });
        expect(await cache.clear(null)).toEqual({ bytesFreed: 0 });
      });
    },
  );
}
