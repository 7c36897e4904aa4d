// The contract suites, one per port, for adapters' tests: `@slipway/core/contracts`. They import
// vitest, so they live apart from the runtime entry (`@slipway/core`) that production code loads.
export * from "./blob-store.contract.ts";
export * from "./build-cache.contract.ts";
export * from "./builder.contract.ts";
export * from "./commit-status.contract.ts";
export * from "./deployer.contract.ts";
export * from "./domain-edge.contract.ts";
export * from "./git-remote.contract.ts";
export * from "./harness.ts";
export * from "./log-store.contract.ts";
export * from "./queue.contract.ts";
export * from "./secrets.contract.ts";
export * from "./store.contract.ts";
export { domain } from "./store-domains.cases.ts";
export * from "./store-fixtures.ts";
export * from "./telemetry-store.contract.ts";
