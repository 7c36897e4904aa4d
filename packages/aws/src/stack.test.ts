import { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_PLANE_ENV, OPTIONAL_CONTROL_PLANE_ENV } from "./config.ts";
import { Buckets } from "./constructs/buckets.ts";
import { confineServicePrincipals, EncryptionKey } from "./constructs/encryption-key.ts";
import type { SlipwayStack } from "./stack.ts";
import { synthesizedStack } from "./testing/fixture.ts";

// GIVEN the control plane stack with its default props, WHEN it is synthesized (once, it takes
// seconds), THEN each construct's security-relevant properties are what the design says.
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack());
}, 120_000);
afterAll(() => cleanup());

const ref = (construct: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.getLogicalId(construct.node.defaultChild as never),
});
const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  "Fn::GetAtt": [stack.getLogicalId(construct.node.defaultChild as never), "Arn"],
});
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([ref(role)]) },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (role: { node: { defaultChild?: unknown } }) => statementsOf(role).flatMap((s) => [s.Action].flat());

describe("EncryptionKey", () => {
  it("rotates yearly and is kept when the stack goes", () => {
    template.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    template.hasResourceProperties("AWS::KMS::Alias", { AliasName: "alias/slipway" });
  });

  it("refuses a deletion window KMS does not allow, naming the value", () => {
    expect(() => new EncryptionKey(new Stack(), "Key", { pendingWindowDays: 3 })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining("pendingWindowDays 3") }),
    );
  });
});

describe("DataTable", () => {
  it("has the Store adapter's table: generic keys, three GSIs, TTL on expiresAtEpoch, PITR and the customer key", () => {
    template.hasResource("AWS::DynamoDB::Table", {
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: "gsi1",
            KeySchema: [
              { AttributeName: "gsi1pk", KeyType: "HASH" },
              { AttributeName: "gsi1sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          }),
          Match.objectLike({
            IndexName: "gsi2",
            KeySchema: [
              { AttributeName: "gsi2pk", KeyType: "HASH" },
              { AttributeName: "gsi2sk", KeyType: "RANGE" },
            ],
          }),
          Match.objectLike({
            IndexName: "gsi3",
            KeySchema: [
              { AttributeName: "gsi3pk", KeyType: "HASH" },
              { AttributeName: "gsi3sk", KeyType: "RANGE" },
            ],
          }),
        ],
        TimeToLiveSpecification: { AttributeName: "expiresAtEpoch", Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: arnOf(stack.key.key) },
        StreamSpecification: { StreamViewType: "NEW_IMAGE" },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: "Retain",
    });
  });
});

describe("Buckets", () => {
  it("block public access, own their objects and are encrypted (KMS for data, SSE-S3 for access logs)", () => {
    const buckets = template.findResources("AWS::S3::Bucket");
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
      expect(bucket.DeletionPolicy).toBe("Retain");
    }
    for (const bucket of [stack.buckets.artifacts, stack.buckets.caches]) {
      template.hasResourceProperties("AWS::S3::Bucket", {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: arnOf(stack.key.key) },
            },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: ref(stack.buckets.accessLogs), LogFilePrefix: Match.anyValue() },
      });
      expect(template.toJSON().Resources[stack.getLogicalId(bucket.node.defaultChild as never)]).toBeDefined();
    }
  });

  it("refuse every request that is not TLS 1.2 or later", () => {
    const policies = Object.values(template.findResources("AWS::S3::BucketPolicy"));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          expect.objectContaining({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } } }),
        ]),
      );
    }
  });

  it("expire unaliased artifacts, staged uploads, caches and access logs, and abort forgotten uploads", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: "abort-incomplete-uploads",
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
          Match.objectLike({
            Id: "expire-unaliased-artifacts",
            ExpirationInDays: 7,
            TagFilters: [{ Key: "slipway-unaliased", Value: "true" }],
          }),
          Match.objectLike({ Id: "expire-staged-uploads", Prefix: "uploads/", ExpirationInDays: 1 }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: "expire-caches", ExpirationInDays: 30 })]),
      },
    });
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: "expire-access-logs", ExpirationInDays: 90 })]),
      },
    });
  });

  it("refuses a lifecycle of zero days, naming the prop", () => {
    const key = new EncryptionKey(new Stack(), "Key").key;
    expect(() => new Buckets(Stack.of(key), "B", { encryptionKey: key, cacheDays: 0 })).toThrow(/cacheDays 0/);
  });
});

describe("StepWorkers", () => {
  it("queue and dead-letter queue are KMS-encrypted, TLS only, and redrive after 5 deliveries", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: arnOf(stack.key.key),
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: arnOf(stack.steps.deadLetterQueue), maxReceiveCount: 5 },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: arnOf(stack.key.key),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const policy of Object.values(template.findResources("AWS::SQS::QueuePolicy"))) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      );
    }
  });

  it("handlers get one message per invoke and report partial failures, with bounded concurrency", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: arnOf(stack.steps.queue),
      FunctionName: ref(stack.steps.handler.fn),
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it("alarm on a dead-lettered message, on handler errors and on an old backlog, to the alarm topic", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: {
            "Fn::GetAtt": [stack.getLogicalId(stack.steps.deadLetterQueue.node.defaultChild as never), "QueueName"],
          },
        },
      ],
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      AlarmActions: [ref(stack.alarms.topic)],
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "Errors",
      AlarmActions: [ref(stack.alarms.topic)],
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 900,
    });
  });
});

describe("ControlPlaneFunction (API, steps and outbox relay)", () => {
  it("run on Node 24 x86_64 with their own log group and no managed policy", () => {
    const functions = Object.values(template.findResources("AWS::Lambda::Function"));
    // api, steps, outbox relay, revalidator (the routes relay comes with the edge).
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: "nodejs24.x",
        Architectures: ["x86_64"],
        Handler: "index.handler",
      });
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
    for (const role of Object.values(template.findResources("AWS::IAM::Role"))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it("get the table, buckets, queue and key through the documented variables; only the API gets the admin token's ARN", () => {
    const envOf = (fn: { node: { defaultChild?: unknown } }) =>
      template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
    const api = envOf(stack.api.handler.fn);
    const steps = envOf(stack.steps.handler.fn);
    for (const env of [api, steps]) {
      expect(env[CONTROL_PLANE_ENV.tableName]).toEqual(ref(stack.data.table));
      expect(env[CONTROL_PLANE_ENV.artifactsBucket]).toEqual(ref(stack.buckets.artifacts));
      expect(env[CONTROL_PLANE_ENV.stepsQueueUrl]).toEqual(ref(stack.steps.queue));
      expect(env[CONTROL_PLANE_ENV.buildProjectName]).toEqual(ref(stack.build.project));
      expect(env[CONTROL_PLANE_ENV.kmsKeyArn]).toEqual(arnOf(stack.key.key));
    }
    expect(api[CONTROL_PLANE_ENV.adminTokenSecretArn]).toEqual(ref(stack.adminToken.secret));
    expect(steps[CONTROL_PLANE_ENV.adminTokenSecretArn]).toBeUndefined();
  });
});

describe("Api", () => {
  it("is an HTTP API whose $default stage throttles and writes access logs", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: arnOf(stack.api.accessLogs), Format: Match.stringLikeRegexp("requestId") },
    });
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
    });
  });

  it("the function times out before API Gateway's 30 s limit", () => {
    template.hasResourceProperties("AWS::Lambda::Function", { Role: arnOf(stack.api.handler.role), Timeout: 29 });
  });

  it("alarms on 5xx answers", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "5xx",
      Namespace: "AWS/ApiGateway",
      AlarmActions: [ref(stack.alarms.topic)],
    });
  });
});

describe("BuildProject", () => {
  it("one unprivileged project on the Node 22 Amazon Linux image, encrypted with the key, logging to its group", () => {
    template.resourceCountIs("AWS::CodeBuild::Project", 1);
    template.hasResourceProperties("AWS::CodeBuild::Project", {
      Environment: {
        Image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        PrivilegedMode: false,
        Type: "LINUX_CONTAINER",
      },
      EncryptionKey: arnOf(stack.key.key),
      TimeoutInMinutes: 30,
      ConcurrentBuildLimit: 5,
      Source: { Type: "S3", BuildSpec: Match.stringLikeRegexp("nodejs") },
      LogsConfig: { CloudWatchLogs: { GroupName: ref(stack.build.logGroup), Status: "ENABLED" } },
    });
  });

  it("sends this project's Build State Change events to the step queue", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.codebuild"],
        "detail-type": ["CodeBuild Build State Change"],
        detail: { "project-name": [ref(stack.build.project)] },
      },
      Targets: [Match.objectLike({ Arn: arnOf(stack.steps.queue) })],
    });
  });

  it("exports the artifact key the start step set, for BatchGetBuilds to echo", () => {
    const [project] = Object.values(template.findResources("AWS::CodeBuild::Project"));
    const spec = JSON.parse(project?.Properties.Source.BuildSpec);
    expect(spec.env["exported-variables"]).toEqual(["SLIPWAY_ARTIFACT_KEY"]);
    expect(spec.phases.build.commands).toEqual(["node index.mjs"]);
  });

  it("puts the resume-stalled message on the step queue every 5 minutes (the safety net under lost messages)", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(5 minutes)",
      State: "ENABLED",
      Targets: [
        Match.objectLike({ Arn: arnOf(stack.steps.queue), Input: JSON.stringify({ type: "pipeline.resume-stalled" }) }),
      ],
    });
  });

  it("only this account's EventBridge may send to the step queue", () => {
    const policies = Object.values(
      template.findResources("AWS::SQS::QueuePolicy", { Properties: { Queues: [ref(stack.steps.queue)] } }),
    );
    expect(policies).toHaveLength(1);
    const fromEvents = (
      (policies[0]?.Properties.PolicyDocument.Statement ?? []) as Array<Record<string, unknown>>
    ).filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }));
    expect(fromEvents).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
      }),
    ]);
  });

  it("its role cannot reach the table, the artifacts or the caches (builds run untrusted code)", () => {
    const role = stack.build.project.role;
    if (!role) throw new Error("no build role");
    const statements = statementsOf(role);
    expect(statements.length).toBeGreaterThan(0);
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/dynamodb:|sqs:|secretsmanager:|s3:Put|s3:Delete/);
    for (const bucket of [stack.buckets.artifacts, stack.buckets.caches]) {
      expect(text).not.toContain(stack.getLogicalId(bucket.node.defaultChild as never));
    }
  });
});

describe("AdminToken", () => {
  it("is generated by Secrets Manager, encrypted with the key, and never a stack output", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
      KmsKeyId: arnOf(stack.key.key),
    });
    const outputs = JSON.stringify(template.toJSON().Outputs);
    expect(outputs).not.toMatch(/resolve:secretsmanager|SecretString/);
    // Its ARN is an output (where to read it), its value appears nowhere in the template.
    template.hasOutput("AdminTokenSecretArn", { Value: ref(stack.adminToken.secret) });
    expect(JSON.stringify(template.toJSON())).not.toContain("resolve:secretsmanager");
  });
});

describe("least privilege", () => {
  it("no statement grants every action, nor every resource but for actions that have no resource", () => {
    // GetAccountSettings (the Deployer's code-storage check), ListStreams (the outbox relay's
    // stream mapping) and the daily cost fetch's calls have no resource-level permission.
    const resourceless = [
      "lambda:GetAccountSettings",
      "dynamodb:ListStreams",
      "ce:GetCostAndUsage",
      "ce:UpdateCostAllocationTagsStatus",
      "cloudwatch:GetMetricData",
      "logs:GetQueryResults",
      "logs:StopQuery",
    ];
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        expect([s.Action].flat()).not.toContain("*");
        if (!s.Resource || ![s.Resource].flat().includes("*")) continue;
        for (const action of [s.Action].flat()) expect(resourceless).toContain(action);
      }
    }
  });

  it("only the steps start and stop builds; only the API reads the admin token", () => {
    const api = actionsOf(stack.api.handler.role);
    const steps = actionsOf(stack.steps.handler.role);
    expect(steps).toEqual(
      expect.arrayContaining(["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"]),
    );
    expect(api.filter((a) => a.startsWith("codebuild:"))).toEqual([]);
    expect(api).toContain("secretsmanager:GetSecretValue");
    // The steps read one secret, the sites' origin secret (site-functions.test.ts), never the admin token.
    const adminToken = JSON.stringify({ Ref: stack.getLogicalId(stack.adminToken.secret.node.defaultChild as never) });
    const stepsSecrets = statementsOf(stack.steps.handler.role).filter(
      (s) => s.Action === "secretsmanager:GetSecretValue",
    );
    expect(stepsSecrets.map((s) => JSON.stringify(s.Resource))).not.toContain(adminToken);
    // S3: the admin's uploaded artifacts, put and read under artifacts/, never deleted there; the
    // two-step upload's staged archives under uploads/: put (the presigned PUT is signed by this
    // role), read back for the check, deleted after it. Nothing else in the bucket.
    const s3Statements = statementsOf(stack.api.handler.role).filter((s) =>
      [s.Action].flat().some((a) => String(a).startsWith("s3:")),
    );
    const bucketId = stack.getLogicalId(stack.buckets.artifacts.node.defaultChild as never);
    const byPrefix = Object.fromEntries(
      s3Statements.map((s) => {
        const resource = JSON.stringify(s.Resource);
        expect(resource).toContain(bucketId);
        return [/"(\/[a-z-]+\/\*)"/.exec(resource)?.[1], [s.Action].flat().sort()];
      }),
    );
    expect(byPrefix).toEqual({
      "/artifacts/*": ["s3:GetObject", "s3:PutObject"],
      "/uploads/*": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
    });
  });

  it("GIVEN the stack WHEN synthesized THEN the API reads the sites' logs (FilterLogEvents and StartQuery on /slipway/sites/ only) and their Lambda metrics, and writes neither", () => {
    const api = statementsOf(stack.api.handler.role);
    // (Its own log group's CreateLogStream / PutLogEvents aside.)
    const sites = api.filter((s) => JSON.stringify(s.Resource).includes("log-group:/slipway/sites/"));
    expect(sites.map((s) => s.Action)).toEqual(["logs:FilterLogEvents", "logs:StartQuery"]);
    const reads = api.filter((s) =>
      [s.Action].flat().some((a) => a === "logs:FilterLogEvents" || a === "logs:StartQuery"),
    );
    expect(reads).toEqual(sites);
    // A started query's results (and stopping it) go by query id: no resource-level permission.
    const insights = ["logs:StartQuery", "logs:GetQueryResults", "logs:StopQuery"];
    const queries = api.filter((s) => [s.Action].flat().some((a) => insights.includes(a)));
    expect(queries.map((s) => [s.Action, s.Resource])).toEqual([
      ["logs:StartQuery", sites[1]?.Resource],
      [["logs:GetQueryResults", "logs:StopQuery"], "*"],
    ]);
    // Nothing else of CloudWatch Logs on *: no reading every log group of the account.
    const anyGroup = api.filter((s) => s.Resource === "*" && [s.Action].flat().some((a) => a.startsWith("logs:")));
    expect(anyGroup.flatMap((s) => [s.Action].flat()).sort()).toEqual(["logs:GetQueryResults", "logs:StopQuery"]);
    const metrics = api.filter((s) => [s.Action].flat().some((a) => a.startsWith("cloudwatch:")));
    expect(metrics.map((s) => [s.Action, s.Resource])).toEqual([["cloudwatch:GetMetricData", "*"]]);
  });

  it("table access names the table and its three indexes, no wildcard", () => {
    const tableArn = arnOf(stack.data.table);
    const tableStatement = statementsOf(stack.api.handler.role).find((s) =>
      [s.Action].flat().includes("dynamodb:PutItem"),
    );
    expect(tableStatement?.Resource).toEqual([
      tableArn,
      { "Fn::Join": ["", [tableArn, "/index/gsi1"]] },
      { "Fn::Join": ["", [tableArn, "/index/gsi2"]] },
      { "Fn::Join": ["", [tableArn, "/index/gsi3"]] },
    ]);
  });
});

describe("OutboxRelay", () => {
  const mapping = () => {
    const mappings = template.findResources("AWS::Lambda::EventSourceMapping", {
      Properties: { FunctionName: ref(stack.outbox.handler.fn) },
    });
    expect(Object.keys(mappings)).toHaveLength(1);
    return Object.values(mappings)[0]?.Properties;
  };

  it("reads the table's stream, only inserted outbox items, in batches halved on error, retried 10 times", () => {
    expect(mapping()).toMatchObject({
      EventSourceArn: { "Fn::GetAtt": [stack.getLogicalId(stack.data.table.node.defaultChild as never), "StreamArn"] },
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
    });
    const filters = mapping().FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    expect(filters).toEqual([{ eventName: ["INSERT"], dynamodb: { Keys: { pk: { S: [{ prefix: "OUTBOX#" }] } } } }]);
  });

  it("sends a batch it gave up on to an encrypted, TLS-only failure queue that alarms", () => {
    expect(mapping().DestinationConfig).toEqual({ OnFailure: { Destination: arnOf(stack.outbox.failures) } });
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: arnOf(stack.key.key),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const failures = stack.getLogicalId(stack.outbox.failures.node.defaultChild as never);
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: failures }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    const alarm = template.toJSON().Resources[stack.getLogicalId(stack.outbox.failureAlarm.node.defaultChild as never)];
    expect(alarm.Properties).toMatchObject({
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [failures, "QueueName"] } }],
      AlarmActions: [ref(stack.alarms.topic)],
    });
  });

  it("may send to the step queue and read the stream, and nothing else of the table", () => {
    const actions = actionsOf(stack.outbox.handler.role);
    expect(actions).toContain("sqs:SendMessage");
    expect(actions).toEqual(expect.arrayContaining(["dynamodb:GetRecords", "dynamodb:GetShardIterator"]));
    expect(
      actions.filter((a) => /dynamodb:(Get|Put|Update|Delete|Query|Scan|Batch)\w*Item|Query|Scan/.test(a)),
    ).toEqual([]);
    const env =
      template.toJSON().Resources[stack.getLogicalId(stack.outbox.handler.fn.node.defaultChild as never)].Properties
        .Environment.Variables;
    expect(env[CONTROL_PLANE_ENV.stepsQueueUrl]).toEqual(ref(stack.steps.queue));
  });
});

describe("URLs the functions build", () => {
  it("the API and the steps get the HTTP API's own URL, without a dependency cycle", () => {
    const httpApi = stack.getLogicalId(stack.api.httpApi.node.defaultChild as never);
    for (const fn of [stack.api.handler.fn, stack.steps.handler.fn]) {
      const env =
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
      // An attribute of the HTTP API itself, which does not depend on the function.
      expect(env[OPTIONAL_CONTROL_PLANE_ENV.apiUrl]).toEqual({ "Fn::GetAtt": [httpApi, "ApiEndpoint"] });
      expect(env[OPTIONAL_CONTROL_PLANE_ENV.sitesDomain]).toBeUndefined();
    }
  });

  it("sets the sites domain when given one, and refuses one that is not a domain, naming it", () => {
    const other = synthesizedStack(true, undefined, "sites.example.com");
    try {
      const fns = other.template.findResources("AWS::Lambda::Function", {
        Properties: { Environment: { Variables: { [OPTIONAL_CONTROL_PLANE_ENV.sitesDomain]: "sites.example.com" } } },
      });
      expect(Object.keys(fns)).toHaveLength(2);
    } finally {
      other.cleanup();
    }
    expect(() => synthesizedStack(true, undefined, "https://Sites.example.com")).toThrow(
      expect.objectContaining({
        code: "INVALID_CONFIG",
        message: expect.stringContaining('"https://Sites.example.com"'),
      }),
    );
  }, 120_000);
});

describe("the key policy", () => {
  type KeyStatement = {
    Principal: { Service?: string; AWS?: unknown };
    Condition?: Record<string, Record<string, unknown>>;
  };
  const keyStatements = () =>
    Object.values(template.findResources("AWS::KMS::Key"))[0]?.Properties.KeyPolicy.Statement as KeyStatement[];

  it("lets each AWS service use the key only for this account's own rule and alarms", () => {
    const services = keyStatements().filter((s) => s.Principal.Service);
    expect(services.map((s) => s.Principal.Service).sort()).toEqual([
      "cloudwatch.amazonaws.com",
      "events.amazonaws.com",
    ]);
    for (const statement of services) {
      expect(statement.Condition?.StringEquals?.["aws:SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    }
    const events = services.find((s) => s.Principal.Service === "events.amazonaws.com");
    expect(JSON.stringify(events?.Condition?.ArnLike?.["aws:SourceArn"])).toContain(":rule/Slipway-*");
    const alarms = services.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
    expect(JSON.stringify(alarms?.Condition?.ArnLike?.["aws:SourceArn"])).toContain(":alarm:*");
  });

  it("names every EventBridge rule under the stack's prefix, so the key policy admits each one (an unnamed rule could not deliver to the encrypted step queue)", () => {
    const names = Object.values(template.findResources("AWS::Events::Rule")).map((r) => r.Properties.Name);
    expect(names).toContain("Slipway-build-state-change");
    expect(names).toContain("Slipway-resume-stalled");
    for (const name of names) expect(name).toMatch(/^Slipway-/);
  });

  it("fails the synth when a construct grants a service the stack has not confined", () => {
    const key = new kms.Key(new Stack(), "Key");
    key.grantDecrypt(new iam.ServicePrincipal("sns.amazonaws.com"));
    confineServicePrincipals(key, {});
    expect(() => Template.fromStack(Stack.of(key))).toThrow(/sns\.amazonaws\.com with no source conditions/);
  });
});

describe("SlipwayStack with retainData false", () => {
  it("lets CloudFormation delete the table and the buckets, but never the key", () => {
    const other = synthesizedStack(false);
    try {
      other.template.hasResource("AWS::DynamoDB::Table", {
        DeletionPolicy: "Delete",
        Properties: { DeletionProtectionEnabled: false },
      });
      for (const bucket of Object.values(other.template.findResources("AWS::S3::Bucket")))
        expect(bucket.DeletionPolicy).toBe("Delete");
      other.template.hasResource("AWS::KMS::Key", { DeletionPolicy: "Retain" });
    } finally {
      other.cleanup();
    }
  }, 120_000);
});
