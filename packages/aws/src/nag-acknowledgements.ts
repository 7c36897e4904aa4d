import { Validations } from "aws-cdk-lib";
import type { Edge } from "./constructs/edge.ts";
import type { SlipwayStack } from "./stack.ts";

/**
 * Every cdk-nag finding the stack accepts, on the construct it concerns, with the reason. A new
 * finding without an entry here fails the synth (and nag.test.ts). Each finding is acknowledged
 * by its exact id (cdk-nag 3 has no prefix match), so a new wildcard elsewhere still fails.
 */
export function acknowledgeFindings(stack: SlipwayStack): void {
  const { api, adminToken, buckets, build, steps, siteFunctions } = stack;
  const acknowledge = (scope: Parameters<typeof Validations.of>[0], id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });

  acknowledge(
    api.httpApi,
    "AwsSolutions-APIG4",
    "The Hono app authenticates every route itself (API tokens, sessions, GitHub webhook HMAC signatures); an API Gateway authorizer would reject webhooks and duplicate the app's team checks.",
  );
  acknowledge(
    adminToken.secret,
    "AwsSolutions-SMG4",
    "A bootstrap credential: owners replace it with their own tokens and revoke it; a scheduled rotation would silently break every CLI that stored it, with no rotation function that could update them.",
  );

  acknowledge(
    api.handler.role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(buckets.artifacts.node.defaultChild as never)}.Arn>/artifacts/*]`,
    "The admin's uploaded artifacts (the dashboard) are keyed by deployment ids created at upload; the API may put and read them there, nothing else in the bucket.",
  );
  acknowledge(
    api.handler.role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(buckets.artifacts.node.defaultChild as never)}.Arn>/uploads/*]`,
    "The two-step artifact upload stages each archive under uploads/<id>.tar, ids created per upload; the API presigns the PUT, reads the archive back for its check and deletes it.",
  );

  const stepsPolicy = steps.handler.role;
  for (const bucket of [buckets.artifacts, buckets.caches]) {
    acknowledge(
      stepsPolicy,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as never)}.Arn>/*]`,
      "Objects are keyed by deployment and project ids created at run time; the steps write, tag, presign for builds and delete them. The bucket holds nothing else.",
    );
  }

  // Sites on Lambda: the functions are made at run time by the Deployer, so their names and log
  // groups are known by prefix only (constructs/site-functions.ts).
  const siteLogs = "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/slipway/sites/*";
  const bucketId = (bucket: typeof buckets.artifacts) => stack.getLogicalId(bucket.node.defaultChild as never);
  const siteRole: Array<[string, string]> = [
    [
      siteLogs,
      "Each site's log group (/slipway/sites/<site>, shared by its functions) is created at run time by the Deployer; nothing else lives under the prefix.",
    ],
    [`${siteLogs}:*`, "Log streams are created by Lambda per execution environment under the sites' own log groups."],
    [
      `<${bucketId(buckets.artifacts)}.Arn>/env-snapshots/*`,
      "Read only: each deployment's encrypted env snapshot, keyed by deployment id at run time; the prefix holds nothing else.",
    ],
    [
      `<${bucketId(buckets.caches)}.Arn>/cache/*`,
      "OpenNext's incremental cache, keyed by site and build id at run time; build caches live under another prefix.",
    ],
  ];
  for (const [finding, reason] of siteRole)
    acknowledge(siteFunctions.role, `AwsSolutions-IAM5[Resource::${finding}]`, reason);
  acknowledge(
    siteFunctions.originSecret,
    "AwsSolutions-SMG4",
    "The origin secret is copied into every site function's environment and CloudFront's origin header; rotating it needs a redeploy of both, which no rotation function can do atomically.",
  );
  acknowledge(
    steps.handler.role,
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:slipway-site-*]",
    "The Deployer creates and deletes one function per deployment at run time, all named slipway-site-*; the control plane's own functions do not match.",
  );
  for (const [finding, reason] of [
    [
      siteLogs,
      "The Deployer creates each site's log group, with its retention, when the site's first function is made.",
    ],
    [
      `${siteLogs}:*`,
      "CloudWatch Logs matches the group's ARN with the :* suffix for PutRetentionPolicy and TagResource.",
    ],
  ])
    acknowledge(steps.handler.role, `AwsSolutions-IAM5[Resource::${finding}]`, reason as string);
  acknowledge(
    steps.handler.role,
    "AwsSolutions-IAM5[Resource::*]",
    "Only actions with no resource to scope to: lambda:GetAccountSettings (the code-storage check before each deployment); for the daily cost per site (SiteCostSchedule) ce:GetCostAndUsage, ce:UpdateCostAllocationTagsStatus and cloudwatch:GetMetricData; and, with an edge, cloudfront:CreateDistributionTenant (no resource type; allowed only with the slipway:site tag).",
  );

  // The observability routes (role-grants.ts grantApi): the sites' log groups by prefix, metrics without a resource.
  acknowledge(
    api.handler.role,
    `AwsSolutions-IAM5[Resource::${siteLogs}]`,
    "logs:FilterLogEvents and logs:StartQuery only, on the sites' log groups (/slipway/sites/<site>), which the Deployer creates per site at run time.",
  );
  acknowledge(
    api.handler.role,
    `AwsSolutions-IAM5[Resource::${siteLogs}:*]`,
    "logs:FilterLogEvents and logs:StartQuery only; CloudWatch Logs matches a log group's ARN with the :* suffix.",
  );
  acknowledge(
    api.handler.role,
    "AwsSolutions-IAM5[Resource::*]",
    "Only cloudwatch:GetMetricData (Lambda's per-function metrics of the sites) and logs:GetQueryResults / logs:StopQuery (the results of the Logs Insights query it started on a site's log group, by query id), which have no resource-level permission.",
  );

  // The CodeBuild L2 writes these statements into the project's role itself.
  const buildRole = build.project.role;
  if (!buildRole) throw new Error("BuildProject: the CodeBuild project has no role");
  const generated: Array<[string, string]> = [
    [
      "Action::kms:ReEncrypt*",
      "Generated by the CodeBuild L2 for the project's encryption key (our own key, used only by Slipway).",
    ],
    [
      "Action::kms:GenerateDataKey*",
      "Generated by the CodeBuild L2 for the project's encryption key (our own key, used only by Slipway).",
    ],
    [
      "Action::s3:GetObject*",
      "Generated by the CodeBuild L2 to read the builder source, scoped to the CDK asset object.",
    ],
    ["Action::s3:GetBucket*", "Generated by the CodeBuild L2 to read the builder source from the CDK assets bucket."],
    ["Action::s3:List*", "Generated by the CodeBuild L2 to read the builder source from the CDK assets bucket."],
    [
      `Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${stack.getLogicalId(build.project.node.defaultChild as never)}>:*`,
      "Generated by the CodeBuild L2 for its default log group; log streams are named per build at run time.",
    ],
    [
      `Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${stack.getLogicalId(build.project.node.defaultChild as never)}>-*`,
      "Generated by the CodeBuild L2: test report groups named after this project only (the buildspec writes none).",
    ],
  ];
  for (const [finding, reason] of generated) acknowledge(buildRole, `AwsSolutions-IAM5[${finding}]`, reason);

  const { outbox } = stack;
  acknowledge(
    outbox.failures,
    "AwsSolutions-SQS3",
    "It is itself a dead-letter queue: the outbox relay's on-failure destination (a batch's shard and sequence numbers), alarmed on.",
  );
  acknowledge(
    outbox.handler.role,
    "AwsSolutions-IAM5[Resource::*]",
    "dynamodb:ListStreams has no resource-level permission; the stream mapping needs it (the other stream actions name the stream).",
  );
  for (const action of ["kms:ReEncrypt*", "kms:GenerateDataKey*"]) {
    acknowledge(
      outbox.handler.role,
      `AwsSolutions-IAM5[Action::${action}]`,
      "Generated by the SqsDlq destination for the failure queue's key (our own key, used only by Slipway).",
    );
  }

  const { siteCaches } = stack;
  acknowledge(
    siteCaches.revalidator.role,
    `AwsSolutions-IAM5[Resource::<${bucketId(buckets.artifacts)}.Arn>/deployments/*/preview-mode-id]`,
    "Read only: each deployment's recorded previewModeId, keyed by deployment id at run time; nothing else matches.",
  );
  acknowledge(
    siteFunctions.role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(siteCaches.tagTable.node.defaultChild as never)}.Arn>/index/*]`,
    "OpenNext's tag cache table, shared by every site; its indexes are OpenNext's to query.",
  );

  if (stack.edge) acknowledgeEdgeFindings(stack, stack.edge, acknowledge);
  if (stack.routes) {
    acknowledge(
      stack.routes.failures,
      "AwsSolutions-SQS3",
      "It is itself a dead-letter queue: the routes relay's on-failure destination (a batch's shard and sequence numbers), alarmed on.",
    );
    acknowledge(
      stack.routes.handler.role,
      "AwsSolutions-IAM5[Resource::*]",
      "dynamodb:ListStreams has no resource-level permission; the stream mapping needs it (the other stream actions name the stream).",
    );
    for (const action of ["kms:ReEncrypt*", "kms:GenerateDataKey*"]) {
      acknowledge(
        stack.routes.handler.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        "Generated by the SqsDlq destination for the failure queue's key (our own key, used only by Slipway).",
      );
    }
  }
}

function acknowledgeEdgeFindings(
  stack: SlipwayStack,
  edge: Edge,
  acknowledge: (scope: Parameters<typeof Validations.of>[0], id: string, reason: string) => void,
): void {
  acknowledge(
    stack.steps.handler.role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(edge.buckets.assets.node.defaultChild as never)}.Arn>/assets/*]`,
    "The Deployer uploads and deletes each deployment's static files under assets/<deploymentId>/, ids created at run time; the bucket holds only files meant to be public.",
  );
  acknowledge(
    stack.siteFunctions.role,
    `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(edge.buckets.assets.node.defaultChild as never)}.Arn>/assets/*]`,
    "Read only: image functions load originals from their deployment's static files under assets/<deploymentId>/, ids created at run time; the files are public through CloudFront.",
  );
  const tenants = "arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution-tenant/*";
  for (const role of [stack.api.handler.role, stack.steps.handler.role]) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${tenants}]`,
      "Custom domains: one distribution tenant per site, whose id CloudFront picks when it creates it; writes are allowed only on tenants tagged slipway:site (every site tenant is created with it).",
    );
  }
  acknowledge(
    stack.api.handler.role,
    "AwsSolutions-IAM5[Resource::*]",
    "Only actions with no resource to scope to: cloudwatch:GetMetricData (Lambda's per-function metrics of the sites), logs:GetQueryResults / logs:StopQuery (by the id of the Logs Insights query it started on a site's log group) and, with an edge, cloudfront:CreateDistributionTenant (domains verify creates the site's tenant; allowed only with the slipway:site tag and no other).",
  );
  acknowledge(
    stack.steps.handler.role,
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:slipway-canary-*]",
    "The steps make and delete one alarm per canary release at run time, all named slipway-canary-<deploymentId>; the control plane's own alarms do not match.",
  );
  for (const distribution of [edge.platform.distribution, edge.tenants.distribution]) {
    acknowledge(
      distribution,
      "AwsSolutions-CFR1",
      "Sites are public web applications for any country; a site that must block countries is its owner's choice, not a platform default.",
    );
    acknowledge(
      distribution,
      "AwsSolutions-CFR2",
      "No WAF by default: a web ACL has a monthly fee and per-request charges an owner opts into (per distribution, or per custom-domain tenant); the viewer-request function already answers unknown hosts itself.",
    );
  }
}
