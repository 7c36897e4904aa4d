export { createLocalBuilder } from "./local-builder.ts";
export type { LocalBuilderOptions } from "./options.ts";
export { bwrapWorks, type ResourceLimits, type SandboxMode } from "./sandbox/sandbox.ts";
export { normalizeRootDir } from "./validate/root-dir.ts";
export { validateSha } from "./validate/sha.ts";
