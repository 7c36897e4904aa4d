// The ports on AWS services: what the Lambda functions of the `aws` target load.

export {
  routeCustomDomainsOfProductionMoves,
  routeDomain,
  routeProjectDomains,
} from "./cloudfront/route-domains.ts";
export { createTenantDomainEdge, type TenantDomainEdgeOptions, tenantName } from "./cloudfront/tenant-domain-edge.ts";
export {
  ARTIFACT_KEY_VARIABLE,
  BUILD_REQUEST_KEY_VARIABLE,
  type CodeBuildBuilderOptions,
  createCodeBuildBuilder,
} from "./codebuild/builder.ts";
export { createLambdaDeployer, type LambdaDeployerOptions } from "./deployer/lambda-deployer.ts";
export { createDynamoLogStore, type DynamoLogStoreOptions } from "./dynamodb/log-store.ts";
export { type OutboxStreamRecord, relayOutboxRecords } from "./dynamodb/outbox.ts";
export { createDynamoStore, type DynamoStoreOptions } from "./dynamodb/store.ts";
export { storeTableDefinition, TTL_ATTRIBUTE } from "./dynamodb/table.ts";
export { type AliasStreamRecord, relayAliasRecords } from "./edge/alias-relay.ts";
export { createKvsEdgeRouteTable, type KvsEdgeRouteTableOptions } from "./edge/kvs-route-table.ts";
export type { DeploymentOrigins, EdgeRouteTable, HostTarget } from "./edge/route-table.ts";
export { VIEWER_REQUEST_FUNCTION_PATH } from "./edge/viewer-request-function.ts";
export { createGithubGitRemote, type GithubGitRemoteOptions } from "./github/git-remote.ts";
export { createKmsSecrets, type KmsSecretsOptions } from "./kms/envelope-secrets.ts";
export { createS3BlobStore, type S3BlobStoreOptions } from "./s3/blob-store.ts";
export { ORIGIN_SECRET_HEADER } from "./server-function/origin-secret.ts";
export { createSqsQueue, type SqsQueueOptions } from "./sqs/queue.ts";
