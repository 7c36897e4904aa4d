export * from "./dynamodb-local.ts";
export * from "./outbox-pump.ts";
