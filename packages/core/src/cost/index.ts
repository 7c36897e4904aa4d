export * from "./apportion.ts";
export * from "./aws-prices.ts";
export * from "./projection.ts";
