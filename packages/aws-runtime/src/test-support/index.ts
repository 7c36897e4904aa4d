export * from "./dynamodb-local.ts";
export * from "./fake-codebuild.ts";
export * from "./fake-kms.ts";
export * from "./fauxqs.ts";
export * from "./lambda-streaming-runtime.ts";
export * from "./outbox-pump.ts";
export * from "./s3rver.ts";
