import type { BlobStore } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_BUILD_LIMITS, DEFAULT_BUILD_TIMEOUT_MS } from "./limits.ts";
import { resolveOptions } from "./options.ts";

const required = {
  blobStore: {} as BlobStore,
  cacheDir: "/c",
  workDir: "/w",
  openNextConfigPath: "/o.ts",
};

describe("resolveOptions", () => {
  it("keeps the defaults for settings the platform passes along unset (undefined)", () => {
    // The platform's config leaves these unset so the defaults live here only.
    const options = resolveOptions({ ...required, timeoutMs: undefined, limits: { memoryMb: undefined } });
    expect(options.timeoutMs).toBe(DEFAULT_BUILD_TIMEOUT_MS);
    expect(options.limits).toEqual(DEFAULT_BUILD_LIMITS);
  });

  it("takes the settings that are given", () => {
    const options = resolveOptions({ ...required, timeoutMs: 60_000, limits: { memoryMb: 512 } });
    expect(options.timeoutMs).toBe(60_000);
    expect(options.limits.memoryMb).toBe(512);
  });
});
