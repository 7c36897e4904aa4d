export * from "./handle-job.ts";
export * from "./jobs.ts";
export * from "./remove-project.ts";
export * from "./resume-stalled.ts";
