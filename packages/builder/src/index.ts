export { createLocalBuilder } from "./local-builder.ts";
export type { LocalBuilderOptions } from "./options.ts";
export type { BuildResult, PipelineRequest } from "./pipeline-types.ts";
export type { ResourceLimits, SandboxMode } from "./sandbox/sandbox.ts";
export { runSupervisedJob } from "./supervisor/child.ts";
export type { JobFile, JobResult } from "./supervisor/job-files.ts";
export { createSupervisedBuilder, type SupervisedBuilderOptions } from "./supervisor/supervisor.ts";
export { normalizeRootDir } from "./validate/root-dir.ts";
export { validateSha } from "./validate/sha.ts";
