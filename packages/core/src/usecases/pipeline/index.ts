export * from "./handle-job.ts";
export * from "./jobs.ts";
