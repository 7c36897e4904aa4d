export * from "./client-ip.ts";
export * from "./error-groups.ts";
export * from "./latency-histogram.ts";
export * from "./model.ts";
export * from "./query-params.ts";
export * from "./recorder.ts";
export * from "./rollup.ts";
export * from "./series.ts";
