import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
// The Deployer names every site function with this prefix: the grants below rely on it.
import { SITE_FUNCTION_PREFIX, SITE_LOG_GROUP_PREFIX } from "../config.ts";

/** Where the Deployer puts env snapshots in the code bucket, and OpenNext's cache in the caches bucket. */
const ENV_SNAPSHOT_PREFIX = "env-snapshots/";
const CACHE_PREFIX = "cache/";
/** Where the Deployer puts each deployment's static files in the edge's assets bucket. */
const ASSETS_PREFIX = "assets/";

/** What the Deployer does to site functions: create, publish, alias, URL, permissions, delete. */
const MANAGE_ACTIONS = [
  "lambda:CreateFunction",
  "lambda:TagResource",
  "lambda:GetFunction",
  "lambda:GetFunctionConfiguration",
  "lambda:DeleteFunction",
  "lambda:PublishVersion",
  "lambda:ListVersionsByFunction",
  "lambda:CreateAlias",
  "lambda:GetAlias",
  "lambda:CreateFunctionUrlConfig",
  "lambda:GetFunctionUrlConfig",
  "lambda:DeleteFunctionUrlConfig",
  "lambda:AddPermission",
];

export interface SiteFunctionsProps {
  readonly encryptionKey: kms.IKey;
  /** Holds the functions' code zips and env snapshots (the artifacts bucket). */
  readonly codeBucket: s3.IBucket;
  /** OpenNext's incremental cache, under `cache/<site>/` (the caches bucket). */
  readonly cacheBucket: s3.IBucket;
  /** OpenNext's tag cache table, when the stack has one. */
  readonly tagTable?: dynamodb.ITable;
  /** OpenNext's revalidation FIFO queue, when the stack has one. */
  readonly revalidationQueue?: sqs.IQueue;
}

/**
 * What the sites' Lambda functions need that is not per site (the Deployer makes the functions at
 * run time, so they are not in the stack): the one role they all run with, least privilege (their
 * own logs, reading env snapshots, decrypting them, the shared ISR caches), and the origin secret
 * CloudFront sends them, generated once per installation. `grantManage` gives the steps function
 * what the Deployer calls, limited to `slipway-site-*` functions and passing exactly this role.
 */
export class SiteFunctions extends Construct {
  readonly role: iam.Role;
  readonly originSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SiteFunctionsProps) {
    super(scope, id);
    this.role = new iam.Role(this, "ExecutionRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Slipway: the role every site function (slipway-site-*) runs with",
    });
    const logGroups = this.logGroupArns();
    const statements = [
      // The Deployer makes each site's group (with its retention) before the site's first function.
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: logGroups,
      }),
      new iam.PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [props.codeBucket.arnForObjects(`${ENV_SNAPSHOT_PREFIX}*`)],
      }),
      // Snapshots are envelope-encrypted with the key; the buckets are encrypted with it too.
      new iam.PolicyStatement({
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [props.encryptionKey.keyArn],
      }),
      new iam.PolicyStatement({
        actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        resources: [props.cacheBucket.arnForObjects(`${CACHE_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [props.cacheBucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": [`${CACHE_PREFIX}*`] } },
      }),
    ];
    if (props.tagTable) {
      statements.push(
        new iam.PolicyStatement({
          actions: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:BatchWriteItem"],
          resources: [props.tagTable.tableArn, `${props.tagTable.tableArn}/index/*`],
        }),
      );
    }
    if (props.revalidationQueue) {
      statements.push(
        new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.revalidationQueue.queueArn] }),
      );
    }
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);

    this.originSecret = new secretsmanager.Secret(this, "OriginSecret", {
      description: "Slipway: the header value CloudFront sends to site functions (x-slipway-origin-secret)",
      encryptionKey: props.encryptionKey,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Reading the deployments' static files (`assets/<deploymentId>/…`): each image function's
   * OpenNext S3 loader reads its originals under its own deployment's prefix (BUCKET_KEY_PREFIX).
   * One role serves every deployment, so the grant is the prefix all of them share; the files
   * are public through CloudFront anyway. Read only.
   */
  grantReadAssets(bucket: s3.IBucket): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [bucket.arnForObjects(`${ASSETS_PREFIX}*`)] }),
    );
  }

  /** The ARN pattern of every site function and its versions/aliases. */
  functionArns(): string[] {
    const fn = Stack.of(this).formatArn({
      service: "lambda",
      resource: "function",
      resourceName: `${SITE_FUNCTION_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return [fn];
  }

  /**
   * The sites' log groups (one per site, `/slipway/sites/<site>`, set on each function by the
   * Deployer) and their streams: made at run time, so known by prefix only.
   */
  logGroupArns(): string[] {
    const group = Stack.of(this).formatArn({
      service: "logs",
      resource: "log-group",
      resourceName: `${SITE_LOG_GROUP_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return [group, `${group}:*`];
  }

  /** The Deployer's rights: site functions only, and passing exactly the execution role to Lambda. */
  grantManage(grantee: iam.IRole): void {
    const statements = [
      new iam.PolicyStatement({ actions: MANAGE_ACTIONS, resources: this.functionArns() }),
      // A site's log group with its retention and tag, before its first function (site-log-group.ts).
      new iam.PolicyStatement({
        actions: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"],
        resources: this.logGroupArns(),
      }),
      // GetAccountSettings has no resource: the code-storage check before each deployment.
      new iam.PolicyStatement({ actions: ["lambda:GetAccountSettings"], resources: ["*"] }),
      // The Deployer writes the origin secret into each function's environment.
      new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [this.originSecret.secretArn] }),
      new iam.PolicyStatement({
        actions: ["iam:PassRole"],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
      }),
    ];
    for (const statement of statements) grantee.addToPrincipalPolicy(statement);
  }
}
