import { fileURLToPath } from "node:url";
import type { CloudFrontClientConfig } from "@aws-sdk/client-cloudfront";
import type { CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import type { CodeBuildClientConfig } from "@aws-sdk/client-codebuild";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { KMSClientConfig } from "@aws-sdk/client-kms";
import type { LambdaClientConfig } from "@aws-sdk/client-lambda";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import type { SQSClientConfig } from "@aws-sdk/client-sqs";
import type { BlobStore, CoreDeps, Deployer, GitRemote, Secrets, Store, UrlScheme } from "@slipway/core";
import { createCloudWatchCanaryWatch } from "../canary/cloudwatch-canary-watch.ts";
import { createTenantDomainEdge } from "../cloudfront/tenant-domain-edge.ts";
import { createCodeBuildBuilder } from "../codebuild/builder.ts";
import { createBuildLogCopy } from "../codebuild/log-copy.ts";
import { createLambdaDeployer } from "../deployer/lambda-deployer.ts";
import { createDynamoLogStore } from "../dynamodb/log-store.ts";
import { createDynamoStore } from "../dynamodb/store.ts";
import { createKvsEdgeRouteTable } from "../edge/kvs-route-table.ts";
import type { EdgeRouteTable } from "../edge/route-table.ts";
import { createGithubGitRemote } from "../github/git-remote.ts";
import { createKmsSecrets } from "../kms/envelope-secrets.ts";
import { createS3BlobStore } from "../s3/blob-store.ts";
import { createS3Presigner } from "../s3/presigner.ts";
import { SITE_ENTRIES_FOLDER } from "../server-function/entry-env.ts";
import { createSqsQueue } from "../sqs/queue.ts";
import { createBucketBuildCache } from "./build-cache.ts";
import { EDGE_ENV } from "./edge-env.ts";
import type { ControlPlaneConfig } from "./env.ts";
import { deployerNotOnAwsYet } from "./not-on-aws-yet.ts";
import { originSecretFromSecretsManager } from "./origin-secret.ts";
import { createAwsStatusReporter } from "./status-reporter.ts";

/**
 * The SDK clients' config per service. On Lambda every one is `{}`: the SDK takes the region and
 * the role's credentials from the runtime. Tests point them at the emulators.
 */
export interface AwsClients {
  readonly dynamodb?: DynamoDBClientConfig;
  readonly sqs?: SQSClientConfig;
  readonly s3?: S3ClientConfig;
  readonly kms?: KMSClientConfig;
  readonly codebuild?: CodeBuildClientConfig;
  readonly cloudfront?: CloudFrontClientConfig;
  readonly logs?: CloudWatchLogsClientConfig;
  readonly cloudwatch?: CloudWatchClientConfig;
  readonly lambda?: LambdaClientConfig;
  readonly secretsManager?: SecretsManagerClientConfig;
}

/** Ports the AWS target does not have yet, supplied by whoever has them (see not-on-aws-yet.ts). */
export interface ControlPlaneOverrides {
  readonly git?: GitRemote;
  readonly deployer?: Deployer;
  /** The edge's route table (KeyValueStore); without it no site is deployed and no custom domain served. */
  readonly routes?: EdgeRouteTable;
}

/** The edge's route table when the stack has an edge (EDGE_ENV.routesStoreArn set), else undefined. */
export function edgeRouteTableFromEnv(env: Readonly<Record<string, string | undefined>>): EdgeRouteTable | undefined {
  const kvsArn = env[EDGE_ENV.routesStoreArn];
  return kvsArn ? createKvsEdgeRouteTable({ kvsArn, client: {} }) : undefined;
}

/** Sites on Lambda, when the stack configured them and the edge's route table is there. */
/** Beside the running bundle (steps/index.mjs): build.mjs builds the site entries into the steps bundle. */
const SITE_ENTRIES_DIR = fileURLToPath(new URL(`./${SITE_ENTRIES_FOLDER}/`, import.meta.url));

function lambdaDeployer(
  config: ControlPlaneConfig,
  clients: AwsClients,
  ports: { blobs: BlobStore; secrets: Secrets; store: Store },
  routes: EdgeRouteTable | undefined,
): Deployer | null {
  const sites = config.sites;
  if (!sites || !routes) return null;
  return createLambdaDeployer({
    blobs: ports.blobs,
    secrets: ports.secrets,
    projects: ports.store.projects,
    urls: awsUrlScheme(config),
    siteEntriesDir: SITE_ENTRIES_DIR,
    lambda: clients.lambda ?? {},
    s3: clients.s3 ?? {},
    logs: clients.logs ?? {},
    codeBucket: config.artifactsBucket,
    assetsBucket: sites.assetsBucket,
    executionRoleArn: sites.roleArn,
    kmsKeyArn: config.kmsKeyArn,
    originSecret: originSecretFromSecretsManager(sites.originSecretArn, clients.secretsManager ?? {}),
    caches: {
      bucket: config.cachesBucket,
      table: sites.cacheTable,
      queueUrl: sites.revalidationQueueUrl,
      region: sites.region,
    },
    routes,
    // Within the step's own timeout: a function still Pending fails this try, the redelivery resumes.
    wait: { maxWaitSeconds: 60, minDelaySeconds: 2 },
  });
}

/** `.invalid` never resolves: a site URL built without a sites domain cannot point anywhere by accident. */
const NO_SITES_DOMAIN = "sites.slipway.invalid";
const NO_API_URL = "https://api.slipway.invalid";

export function awsUrlScheme(config: Pick<ControlPlaneConfig, "apiUrl" | "sitesDomain">): UrlScheme {
  const domain = config.sitesDomain ?? NO_SITES_DOMAIN;
  return {
    hostname: (label) => `${label}.${domain}`,
    url: (hostname) => `https://${hostname}`,
    apiUrl: config.apiUrl ?? NO_API_URL,
  };
}

/**
 * The composition root of the AWS control plane: every port on its AWS adapter, built once per
 * cold start from the parsed environment. The API and the step handlers get the same deps, as
 * `slipway up` and `slipway worker` do locally.
 */
export function controlPlaneDeps(
  config: ControlPlaneConfig,
  clients: AwsClients = {},
  overrides: ControlPlaneOverrides = {},
): CoreDeps {
  const blobs = createS3BlobStore({ bucket: config.artifactsBucket, client: clients.s3 ?? {} });
  const caches = createS3BlobStore({ bucket: config.cachesBucket, client: clients.s3 ?? {} });
  const store = createDynamoStore({ tableName: config.tableName, client: clients.dynamodb ?? {} });
  // Custom domains need the multi-tenant distribution, its connection group and the route table;
  // without all three, `domains verify` says no resolver is configured (nothing can serve them).
  const domainEdge =
    config.tenantDistributionId && config.connectionGroupId && overrides.routes
      ? createTenantDomainEdge({
          client: clients.cloudfront ?? {},
          distributionId: config.tenantDistributionId,
          connectionGroupId: config.connectionGroupId,
          store,
          routes: overrides.routes,
        })
      : undefined;
  const secrets = createKmsSecrets({ keyId: config.kmsKeyArn, client: clients.kms ?? {} });
  const logs = createDynamoLogStore({ tableName: config.tableName, client: clients.dynamodb ?? {} });
  return {
    store,
    queue: createSqsQueue({ queueUrl: config.stepsQueueUrl, client: clients.sqs ?? {} }),
    blobs,
    logs,
    secrets,
    builder: createCodeBuildBuilder({
      projectName: config.buildProjectName,
      client: clients.codebuild ?? {},
      requests: blobs,
      presign: {
        requests: createS3Presigner({ bucket: config.artifactsBucket, client: clients.s3 ?? {} }),
        caches: createS3Presigner({ bucket: config.cachesBucket, client: clients.s3 ?? {} }),
      },
      // Builds print their log to CodeBuild's log group; each watch poll copies it into the LogStore.
      copyLog: createBuildLogCopy({ client: clients.logs ?? {}, logs, cursors: blobs }),
    }),
    buildCache: createBucketBuildCache(caches),
    deployer:
      overrides.deployer ??
      lambdaDeployer(config, clients, { blobs, secrets, store }, overrides.routes) ??
      deployerNotOnAwsYet,
    // Lambda has no git: refs resolve through GitHub's API, with the project's own token.
    git: overrides.git ?? createGithubGitRemote(),
    // Commit statuses with the project's own GitHub token (the one refs resolve with).
    statusReporter: createAwsStatusReporter({
      secrets,
      deployments: store.deployments,
      apiUrl: config.githubApiUrl ?? "https://api.github.com",
      log: (line) => console.log(line),
    }),
    urls: awsUrlScheme(config),
    settings: { retainDeployments: 10 },
    ...(domainEdge ? { domainEdge } : {}),
    // The API only queues the watch steps; the steps (with the CloudWatch rights) make the alarms.
    ...(config.canaryReleases
      ? { canaryWatch: createCloudWatchCanaryWatch({ client: clients.cloudwatch ?? {} }) }
      : {}),
  };
}
