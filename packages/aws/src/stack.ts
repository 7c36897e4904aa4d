import { SlipwayError } from "@slipway/core/errors";
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import type { BundleDirs } from "./bundles.ts";
import { CONTROL_PLANE_ENV, OPTIONAL_CONTROL_PLANE_ENV } from "./config.ts";
import { AdminToken } from "./constructs/admin-token.ts";
import { AlarmTopic, alarmArnPattern } from "./constructs/alarm-topic.ts";
import { Api } from "./constructs/api.ts";
import { Buckets } from "./constructs/buckets.ts";
import { BuildProject } from "./constructs/build-project.ts";
import { DataTable } from "./constructs/data-table.ts";
import { confineServicePrincipals, EncryptionKey } from "./constructs/encryption-key.ts";
import { OutboxRelay } from "./constructs/outbox-relay.ts";
import { StepWorkers } from "./constructs/step-workers.ts";
import { acknowledgeFindings } from "./nag-acknowledgements.ts";

export interface SlipwayStackProps extends StackProps {
  /** The code the stack runs: `api`, `steps`, `outbox` and `builder` bundle directories. */
  readonly bundles: BundleDirs;
  /**
   * The domain site hostnames live under (`<project>.<domain>`, `SLIPWAY_SITES_DOMAIN`).
   * @default - none: site URLs end in `.invalid` until one is set
   */
  readonly sitesDomain?: string;
  /**
   * Keep the table, the buckets and their data when the stack is removed (`slipway aws destroy`
   * asks). The KMS key is always kept: without it nothing kept could be read.
   * @default true
   */
  readonly retainData?: boolean;
}

/** Table item and index actions the Store adapter uses (transactions authorize per item). */
const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];
/** Envelope encryption: a data key per value, and decrypting it again. */
const ENVELOPE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"];

/**
 * The Slipway control plane in one stack: the API, the step handlers and their queue, the table,
 * the buckets, the build project, the key, the admin token and the alarms. Every function role is
 * granted here, action by action, so the whole of each role's access reads in one place.
 */
export class SlipwayStack extends Stack {
  readonly key: EncryptionKey;
  readonly data: DataTable;
  readonly buckets: Buckets;
  readonly alarms: AlarmTopic;
  readonly steps: StepWorkers;
  readonly outbox: OutboxRelay;
  readonly build: BuildProject;
  readonly adminToken: AdminToken;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: SlipwayStackProps) {
    super(scope, id, { description: "Slipway: self-hosted deployments for Next.js (control plane)", ...props });
    // Feature flags set here, before any child exists, so the stack needs no cdk.json. Server
    // access logs are delivered under a bucket policy, not the legacy ACL object ownership forbids.
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    // Without it, EventBridge rules of any account could send to the (KMS-encrypted) step queue.
    this.node.setContext("@aws-cdk/aws-events:eventsTargetQueueSameAccount", true);
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.key = new EncryptionKey(this, "Key");
    const encryptionKey = this.key.key;
    this.data = new DataTable(this, "Data", { encryptionKey, removalPolicy });
    this.buckets = new Buckets(this, "Buckets", { encryptionKey, removalPolicy });
    this.alarms = new AlarmTopic(this, "Alarms", { encryptionKey });
    this.adminToken = new AdminToken(this, "AdminToken", { encryptionKey });

    const shared: Record<string, string> = {
      [CONTROL_PLANE_ENV.tableName]: this.data.table.tableName,
      [CONTROL_PLANE_ENV.artifactsBucket]: this.buckets.artifacts.bucketName,
      [CONTROL_PLANE_ENV.cachesBucket]: this.buckets.caches.bucketName,
      [CONTROL_PLANE_ENV.kmsKeyArn]: encryptionKey.keyArn,
    };
    this.steps = new StepWorkers(this, "Steps", {
      code: lambda.Code.fromAsset(props.bundles.steps),
      encryptionKey,
      alarms: this.alarms,
      environment: shared,
    });
    this.build = new BuildProject(this, "Build", {
      builderDir: props.bundles.builder,
      encryptionKey,
      stepsQueue: this.steps.queue,
    });
    const buildEnv = { [CONTROL_PLANE_ENV.buildProjectName]: this.build.project.projectName };
    for (const [name, value] of Object.entries(buildEnv)) this.steps.handler.fn.addEnvironment(name, value);
    this.api = new Api(this, "Api", {
      code: lambda.Code.fromAsset(props.bundles.api),
      alarms: this.alarms,
      environment: {
        ...shared,
        ...buildEnv,
        [CONTROL_PLANE_ENV.stepsQueueUrl]: this.steps.queue.queueUrl,
        [CONTROL_PLANE_ENV.adminTokenSecretArn]: this.adminToken.secret.secretArn,
      },
    });

    this.outbox = new OutboxRelay(this, "Outbox", {
      code: lambda.Code.fromAsset(props.bundles.outbox),
      table: this.data.table,
      stepsQueue: this.steps.queue,
      encryptionKey,
      alarms: this.alarms,
      environment: { [CONTROL_PLANE_ENV.stepsQueueUrl]: this.steps.queue.queueUrl },
    });

    // The API's own URL is built from the HTTP API's id, which does not depend on the function
    // (the integration and the invoke permission do), so this adds no dependency cycle.
    const urls: Record<string, string> = { [OPTIONAL_CONTROL_PLANE_ENV.apiUrl]: this.api.url };
    if (props.sitesDomain !== undefined) {
      urls[OPTIONAL_CONTROL_PLANE_ENV.sitesDomain] = requireSitesDomain(props.sitesDomain);
    }
    for (const fn of [this.api.handler.fn, this.steps.handler.fn]) {
      for (const [name, value] of Object.entries(urls)) fn.addEnvironment(name, value);
    }

    this.confineKeyPolicy();
    this.grantApi(this.api.handler.role);
    this.grantSteps(this.steps.handler.role);
    acknowledgeFindings(this);

    new CfnOutput(this, "ApiUrl", { value: this.api.url, description: "The Slipway API (SLIPWAY_URL)" });
    new CfnOutput(this, "AdminTokenSecretArn", {
      value: this.adminToken.secret.secretArn,
      description: "Where the first admin token is (read it with your own credentials; the value is never an output)",
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarms.topic.topicArn, description: "Subscribe to get alarms" });
    // What `slipway aws destroy --remove-data` empties (CloudFormation deletes only empty buckets).
    new CfnOutput(this, "ArtifactsBucketName", { value: this.buckets.artifacts.bucketName });
    new CfnOutput(this, "CachesBucketName", { value: this.buckets.caches.bucketName });
    new CfnOutput(this, "AccessLogsBucketName", { value: this.buckets.accessLogs.bucketName });
  }

  /**
   * Services that use the key act only for this account's own resources: EventBridge for the
   * build project's state-change rule (named, so its ARN needs no reference back to the rule)
   * and CloudWatch for this account's alarms.
   */
  private confineKeyPolicy(): void {
    const rule = this.build.stateChangeRule.node.defaultChild as events.CfnRule;
    rule.name = `${this.stackName}-build-state-change`;
    const ruleArn = `arn:${this.partition}:events:${this.region}:${this.account}:rule/${rule.name}`;
    const ownAccount = { StringEquals: { "aws:SourceAccount": this.account } };
    confineServicePrincipals(this.key.key, {
      "events.amazonaws.com": { ...ownAccount, ArnEquals: { "aws:SourceArn": ruleArn } },
      "cloudwatch.amazonaws.com": { ...ownAccount, ArnLike: { "aws:SourceArn": alarmArnPattern(this) } },
    });
  }

  /** The API: the table (build logs included), enqueueing steps, envelope encryption, the admin token. */
  private grantApi(role: iam.IRole): void {
    const { data, steps, adminToken } = this;
    const statements = [
      new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: data.resourceArns }),
      new iam.PolicyStatement({ actions: ENVELOPE_ACTIONS, resources: [this.key.key.keyArn] }),
      new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [steps.queue.queueArn] }),
      new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [adminToken.secret.secretArn] }),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
  }

  /** The step handlers: the table, the build project, artifacts and caches (and presigning for builds). */
  private grantSteps(role: iam.IRole): void {
    const { data, buckets, build } = this;
    const statements = [
      new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: data.resourceArns }),
      new iam.PolicyStatement({ actions: ENVELOPE_ACTIONS, resources: [this.key.key.keyArn] }),
      new iam.PolicyStatement({
        actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
        resources: [build.project.projectArn],
      }),
      new iam.PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [buckets.artifacts.bucketArn, buckets.caches.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"],
        resources: [buckets.artifacts.arnForObjects("*"), buckets.caches.arnForObjects("*")],
      }),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
  }
}

/** A DNS name of at least two labels (lower case letters, digits, hyphens), as site hostnames need. */
function requireSitesDomain(domain: string): string {
  const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  if (!new RegExp(`^${label}(?:\\.${label})+$`).test(domain) || domain.length > 253) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `SlipwayStack: sitesDomain ${JSON.stringify(domain)} is not a domain name.`,
      "Pass a lower-case DNS name such as sites.example.com (sites become <project>.sites.example.com).",
    );
  }
  return domain;
}
