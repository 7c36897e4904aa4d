import { STACK_TAG } from "@slipway/aws-runtime/cost-tags";
import { SlipwayError } from "@slipway/core/errors";
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import type { BundleDirs } from "./bundles.ts";
import {
  CONTROL_PLANE_ENV,
  EDGE_ENV,
  OPTIONAL_CONTROL_PLANE_ENV,
  SITE_COSTS_ENV,
  SITE_FUNCTIONS_ENV,
} from "./config.ts";
import { AdminToken } from "./constructs/admin-token.ts";
import { AlarmTopic, alarmArnPattern } from "./constructs/alarm-topic.ts";
import { Api } from "./constructs/api.ts";
import { Buckets } from "./constructs/buckets.ts";
import { BuildProject } from "./constructs/build-project.ts";
import { CanaryAlarms } from "./constructs/canary-alarms.ts";
import { DataTable } from "./constructs/data-table.ts";
import type { Edge } from "./constructs/edge.ts";
import { confineServicePrincipals, EncryptionKey } from "./constructs/encryption-key.ts";
import { OutboxRelay } from "./constructs/outbox-relay.ts";
import { RoutesRelay } from "./constructs/routes-relay.ts";
import { SiteCaches } from "./constructs/site-caches.ts";
import { SiteCostSchedule } from "./constructs/site-cost-schedule.ts";
import { SiteFunctions } from "./constructs/site-functions.ts";
import { StepWorkers } from "./constructs/step-workers.ts";
import { addEdge, type SlipwayEdgeOptions } from "./edge-wiring.ts";
import { acknowledgeFindings } from "./nag-acknowledgements.ts";
import { grantApi, grantSteps } from "./role-grants.ts";

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
  /**
   * The edge in front of the sites (CloudFront, see `Edge`): only with a sites domain, which the
   * platform distribution's wildcard certificate needs.
   * @default - no edge
   */
  readonly edge?: SlipwayEdgeOptions;
}

export type { SlipwayEdgeOptions } from "./edge-wiring.ts";

/**
 * The Slipway control plane in one stack: the API, the step handlers and their queue, the table,
 * the buckets, the build project, the key, the admin token and the alarms. The API's and the steps'
 * roles are granted in role-grants.ts, action by action, so the whole of each role's access reads in
 * one place (the edge adds its own rights in edge-wiring.ts).
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
  readonly siteFunctions: SiteFunctions;
  readonly siteCaches: SiteCaches;
  /** Present with the edge: alias moves to its KeyValueStore. */
  readonly routes: RoutesRelay | null;
  /** Present when the stack was given `edge` options. */
  readonly edge: Edge | null;
  /** The daily cost-per-site fetch (Cost Explorer, into the table). */
  readonly siteCosts: SiteCostSchedule;
  /** Present with the edge: canary releases' alarms and their rule (automatic rollback). */
  readonly canary: CanaryAlarms | null;

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

    // Sites on Lambda: the role their functions run with, the origin secret, and the Deployer's
    // rights for the steps, with the ISR state every site shares. The assets bucket comes with the
    // edge: until the steps have all of SITE_FUNCTIONS_ENV (a stack without an edge), sites are not deployed.
    this.siteCaches = new SiteCaches(this, "SiteCaches", {
      revalidatorCode: lambda.Code.fromAsset(props.bundles.revalidator),
      tableResourceArns: this.data.resourceArns,
      artifactsBucket: this.buckets.artifacts,
      encryptionKey,
      alarms: this.alarms,
      environment: {
        [CONTROL_PLANE_ENV.tableName]: this.data.table.tableName,
        [CONTROL_PLANE_ENV.artifactsBucket]: this.buckets.artifacts.bucketName,
      },
      removalPolicy,
    });
    this.siteFunctions = new SiteFunctions(this, "SiteFunctions", {
      encryptionKey,
      codeBucket: this.buckets.artifacts,
      cacheBucket: this.buckets.caches,
      tagTable: this.siteCaches.tagTable,
      revalidationQueue: this.siteCaches.revalidationQueue,
    });
    this.steps.handler.fn.addEnvironment(SITE_FUNCTIONS_ENV.cacheTable, this.siteCaches.tagTable.tableName);
    this.steps.handler.fn.addEnvironment(
      SITE_FUNCTIONS_ENV.revalidationQueueUrl,
      this.siteCaches.revalidationQueue.queueUrl,
    );
    this.siteFunctions.grantManage(this.steps.handler.role);
    this.steps.handler.fn.addEnvironment(SITE_FUNCTIONS_ENV.roleArn, this.siteFunctions.role.roleArn);
    // The ARN only: the steps read the value when they first activate a deployment.
    this.steps.handler.fn.addEnvironment(SITE_FUNCTIONS_ENV.originSecretArn, this.siteFunctions.originSecret.secretArn);

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
    // The edge serves `*.<its sites domain>`: site URLs follow it unless a sites domain is given.
    const sitesDomain = props.sitesDomain ?? props.edge?.sitesDomain;
    if (sitesDomain !== undefined) {
      urls[OPTIONAL_CONTROL_PLANE_ENV.sitesDomain] = requireSitesDomain(sitesDomain);
    }
    for (const fn of [this.api.handler.fn, this.steps.handler.fn]) {
      for (const [name, value] of Object.entries(urls)) fn.addEnvironment(name, value);
    }

    // Cost per site: every resource of the stack carries its tag (the shared costs), the Deployer
    // tags site functions with their site; a daily rule fetches the bill into the table.
    Tags.of(this).add(STACK_TAG, this.stackName);
    this.siteCosts = new SiteCostSchedule(this, "SiteCosts", {
      stepsQueue: this.steps.queue,
      stepsRole: this.steps.handler.role,
      ruleName: `${this.stackName}-site-costs`,
    });
    for (const fn of [this.api.handler.fn, this.steps.handler.fn]) {
      fn.addEnvironment(SITE_COSTS_ENV.stackName, this.stackName);
    }

    this.confineKeyPolicy();
    grantApi(this, this.api.handler.role);
    grantSteps(this, this.steps.handler.role);
    this.edge = props.edge ? addEdge(this, props.edge, removalPolicy) : null;
    this.canary = this.edge ? this.addCanaryReleases() : null;
    this.routes = this.edge
      ? new RoutesRelay(this, "Routes", {
          code: lambda.Code.fromAsset(props.bundles.routes),
          table: this.data.table,
          tableResourceArns: this.data.resourceArns,
          routes: this.edge.router.store,
          encryptionKey,
          alarms: this.alarms,
          environment: {
            [EDGE_ENV.routesStoreArn]: this.edge.router.store.keyValueStoreArn,
            [CONTROL_PLANE_ENV.tableName]: this.data.table.tableName,
          },
        })
      : null;
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
   * Canary releases (with the edge, which splits the traffic): the API accepts `promote --canary`,
   * the steps make the canaries' alarms, and their ALARM changes come back as steps.
   */
  private addCanaryReleases(): CanaryAlarms {
    const canary = new CanaryAlarms(this, "Canary", {
      stepsQueue: this.steps.queue,
      stepsRole: this.steps.handler.role,
      // Under the stack's rule prefix, which the key policy admits (confineKeyPolicy).
      ruleName: `${this.stackName}-canary-alarm`,
    });
    for (const fn of [this.api.handler.fn, this.steps.handler.fn]) {
      fn.addEnvironment(OPTIONAL_CONTROL_PLANE_ENV.canaryReleases, "on");
    }
    return canary;
  }

  /**
   * Services that use the key act only for this account's own resources: EventBridge for the
   * stack's rules (each named `<stack>-<purpose>`, so one ARN pattern admits them all and no rule
   * of another stack) and CloudWatch for this account's alarms.
   */
  private confineKeyPolicy(): void {
    const name = (rule: events.Rule, purpose: string) => {
      (rule.node.defaultChild as events.CfnRule).name = `${this.stackName}-${purpose}`;
    };
    name(this.build.stateChangeRule, "build-state-change");
    name(this.build.resumeStalledRule, "resume-stalled");
    const stackRules = `arn:${this.partition}:events:${this.region}:${this.account}:rule/${this.stackName}-*`;
    const ownAccount = { StringEquals: { "aws:SourceAccount": this.account } };
    confineServicePrincipals(this.key.key, {
      "events.amazonaws.com": { ...ownAccount, ArnLike: { "aws:SourceArn": stackRules } },
      "cloudwatch.amazonaws.com": { ...ownAccount, ArnLike: { "aws:SourceArn": alarmArnPattern(this) } },
    });
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
