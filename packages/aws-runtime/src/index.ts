// The ports on AWS services: what the Lambda functions of the `aws` target load.

export {
  ARTIFACT_KEY_VARIABLE,
  BUILD_REQUEST_KEY_VARIABLE,
  type CodeBuildBuilderOptions,
  createCodeBuildBuilder,
} from "./codebuild/builder.ts";
export { createLambdaDeployer, type LambdaDeployerOptions } from "./deployer/lambda-deployer.ts";
export { ORIGIN_SECRET_HEADER, SITE_FUNCTION_ENV } from "./deployer/site-env.ts";
export { createDynamoLogStore, type DynamoLogStoreOptions } from "./dynamodb/log-store.ts";
export { type OutboxStreamRecord, relayOutboxRecords } from "./dynamodb/outbox.ts";
export { createDynamoStore, type DynamoStoreOptions } from "./dynamodb/store.ts";
export { storeTableDefinition, TTL_ATTRIBUTE } from "./dynamodb/table.ts";
export { createGithubGitRemote, type GithubGitRemoteOptions } from "./github/git-remote.ts";
export { createKmsSecrets, type KmsSecretsOptions } from "./kms/envelope-secrets.ts";
export { createS3BlobStore, type S3BlobStoreOptions } from "./s3/blob-store.ts";
export { createSqsQueue, type SqsQueueOptions } from "./sqs/queue.ts";
