export { networkIsolationStatus, type SandboxCapabilities, sandboxCapabilities } from "@slipway/sandbox";
export { type BuildLimits, DEFAULT_BUILD_LIMITS } from "./limits.ts";
export { createLocalBuilder } from "./local-builder.ts";
export type { LocalBuilderOptions } from "./options.ts";
export { bwrapWorks, type SandboxMode } from "./sandbox/sandbox.ts";
export { normalizeRootDir } from "./validate/root-dir.ts";
export { validateSha } from "./validate/sha.ts";
