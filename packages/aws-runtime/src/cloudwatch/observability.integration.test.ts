import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type CoreDeps, latencyBucket } from "@slipway/core";
import { createMemoryDeployer } from "@slipway/memory";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SITE_MEMORY_MB, siteFunctionName } from "../deployer/names.ts";
import { ensureAdminTokenFromSecret } from "../lambda/admin-token.ts";
import { createApiHandler } from "../lambda/api.ts";
import { controlPlaneDeps } from "../lambda/deps.ts";
import { formatRequestLine } from "../server-function/request-log.ts";
import {
  apiGatewayEvent,
  callApiHandler,
  type DynamoDbLocal,
  mockKms,
  startDynamoDbLocal,
} from "../test-support/index.ts";
import { awsObservability } from "./observability.ts";

// The observability routes through the API's Lambda handler on the AWS control plane's deps
// (DynamoDB Local for projects, deployments and tokens), answered from CloudWatch (mocked at the
// SDK with what CloudWatch Logs and CloudWatch return): what `slipway logs --runtime`, `slipway
// metrics` and the dashboard call, unchanged on AWS.

const ADMIN_TOKEN = "Q2hhbmdlIG1lIGluIHRoZSBzZWNyZXQgbm90IGluIHRoZSBjb2Rl";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:admin";

let dynamo: DynamoDbLocal;
let deps: CoreDeps;
let projectId: string;
let deploymentId: string;
const logs = mockClient(CloudWatchLogsClient);
const cloudwatch = mockClient(CloudWatchClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
let restoreKms = () => {};

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  const config = {
    tableName: await dynamo.createStoreTable(),
    artifactsBucket: "artifacts",
    cachesBucket: "caches",
    stepsQueueUrl: "http://127.0.0.1:9/queue/slipway-steps",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/test",
    buildProjectName: "slipway-build",
    adminTokenSecretArn: SECRET_ARN,
    apiUrl: "https://api.example.test",
    sitesDomain: "sites.example.test",
    githubApiUrl: null,
  };
  const region = { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } };
  deps = controlPlaneDeps(
    config,
    { dynamodb: dynamo.client, kms: region, sqs: region, s3: region, secretsManager: region },
    { deployer: createMemoryDeployer() },
  );
  restoreKms = mockKms().restore;
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: ADMIN_TOKEN });
  await ensureAdminTokenFromSecret(deps.store, SECRET_ARN);
  const created = await call(createApiHandler(deps), "POST", "/api/v1/projects", {
    name: "shop",
    repo: "https://github.com/acme/shop",
  });
  expect(created.status).toBe(201);
  projectId = (created.json as { id: string }).id;
  const queued = await call(createApiHandler(deps), "POST", "/api/v1/projects/shop/deployments", { ref: SHA });
  expect(queued.status).toBe(202);
  deploymentId = (queued.json as { id: string }).id;
}, 120_000);

afterAll(async () => {
  for (const mock of [logs, cloudwatch, s3, secrets]) mock.restore();
  restoreKms();
  await dynamo?.stop();
});

function call(api: ReturnType<typeof createApiHandler>, method: string, path: string, body?: unknown) {
  return callApiHandler(api, apiGatewayEvent(method, path, { token: ADMIN_TOKEN, body }));
}

const onAws = () =>
  createApiHandler(deps, {
    observability: awsObservability({
      logs: { region: "us-east-1" },
      cloudwatch: { region: "us-east-1" },
      s3: { region: "us-east-1" },
      deployments: deps.store.deployments,
      memoryMb: DEFAULT_SITE_MEMORY_MB,
      assetsBucket: "edge-assets",
    }),
  });

describe("the observability routes on AWS", () => {
  it("are not there without CloudWatch behind them (the API as it was)", async () => {
    expect((await call(createApiHandler(deps), "GET", "/api/v1/projects/shop/logs")).status).toBe(404);
  });

  it("serve the site's request log and console output from its log group, resumable after a seq", async () => {
    const at = Date.now() - 60_000;
    const stream = `2026/12/01/${siteFunctionName(projectId, deploymentId, "server")}[1]0f3c9a`;
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          logStreamName: stream,
          timestamp: at,
          eventId: "37932640000000000000000000000000000000000000000000000001",
          message: `2026-12-01T11:59:00.120Z\tr-1\tINFO\trendering /\n`,
        },
        {
          logStreamName: stream,
          timestamp: at + 5,
          eventId: "37932640000000000000000000000000000000000000000000000002",
          message: formatRequestLine({
            requestId: "r-1",
            method: "GET",
            path: "/",
            status: 200,
            durationMs: 31.2,
            bytes: 2048,
            coldStart: true,
          }),
        },
      ],
    });

    const listed = await call(onAws(), "GET", "/api/v1/projects/shop/logs?since=1h");
    expect(listed.status).toBe(200);
    const entries = listed.json as Array<{ kind: string; seq: number; deploymentId: string }>;
    expect(entries.map((e) => [e.kind, e.deploymentId])).toEqual([
      ["log", deploymentId],
      ["request", deploymentId],
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input.logGroupName).toBe(
      `/slipway/sites/${projectId}`,
    );

    const resumed = await call(onAws(), "GET", `/api/v1/projects/shop/logs?after=${entries[0]?.seq}`);
    expect((resumed.json as Array<{ kind: string }>).map((e) => e.kind)).toEqual(["request"]);
  });

  it("serve metrics and usage from Lambda's metrics and the request lines, with the site's static files in the assets bucket", async () => {
    const minuteAgo = new Date(Math.floor((Date.now() - 120_000) / 60_000) * 60_000);
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "f0_invocations", Timestamps: [minuteAgo], Values: [42], StatusCode: "Complete" },
        { Id: "f0_errors", Timestamps: [minuteAgo], Values: [2], StatusCode: "Complete" },
        { Id: "f0_duration", Timestamps: [minuteAgo], Values: [21_000], StatusCode: "Complete" },
      ],
    });
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          logStreamName: `2026/12/01/${siteFunctionName(projectId, deploymentId, "server")}[1]0f3c9a`,
          timestamp: minuteAgo.getTime() + 1000,
          eventId: "37932640000000000000000000000000000000000000000000000003",
          message: formatRequestLine({
            requestId: "r-9",
            method: "GET",
            path: "/",
            status: 200,
            durationMs: 480,
            bytes: 10,
            coldStart: true,
          }),
        },
      ],
    });
    // Logs Insights: 41 requests of ~30 ms and one of ~480 ms, 100 bytes each, one answered 503.
    answerInsights((period) => [
      insightsRow(period, minuteAgo.getTime(), latencyBucket(30), 2, 40, 4000),
      insightsRow(period, minuteAgo.getTime(), latencyBucket(30), 5, 1, 100),
      insightsRow(period, minuteAgo.getTime(), latencyBucket(480), 2, 1, 100),
    ]);
    s3.on(ListObjectsV2Command, { Bucket: "edge-assets", Prefix: `assets/${deploymentId}/` }).resolves({
      Contents: [
        { Key: `assets/${deploymentId}/_next/static/app.js`, Size: 1000 },
        { Key: `assets/${deploymentId}/favicon.ico`, Size: 500 },
      ],
      IsTruncated: false,
    });

    const metrics = await call(onAws(), "GET", "/api/v1/projects/shop/metrics?since=1h");
    expect(metrics.status, JSON.stringify(metrics.json)).toBe(200);
    const summary = (metrics.json as { summary: { p50: number; p95: number; p99: number } }).summary;
    expect(summary).toMatchObject({
      requests: 42,
      errors: 2,
      invocations: 42,
      gbSeconds: 21,
      coldStarts: 1,
      bytesOut: 4200,
    });
    // Within the histogram's 5 % of what the requests took.
    expect(Math.abs(summary.p50 - 30) / 30).toBeLessThan(0.05);
    expect(Math.abs(summary.p95 - 30) / 30).toBeLessThan(0.05);
    expect(Math.abs(summary.p99 - 480) / 480).toBeLessThan(0.05);
    const series = (metrics.json as { series: Array<{ start: number; p99: number | null; bytesOut: number }> }).series;
    expect(series.find((p) => p.start === minuteAgo.getTime())).toMatchObject({ bytesOut: 4200 });
    expect(series.filter((p) => p.start !== minuteAgo.getTime()).every((p) => p.p99 === null && p.bytesOut === 0)).toBe(
      true,
    );

    const usage = await call(onAws(), "GET", "/api/v1/projects/shop/usage");
    expect(usage.status).toBe(200);
    expect(usage.json).toMatchObject({
      usage: { requests: 42, invocations: 42, bytesOut: 4200, storageBytes: 1500, uploads: 2 },
      dropped: { entries: 0, errors: 0, metricDays: 0, beforeStorage: 0 },
    });
  });

  it("a site without traffic reads as zeros and nulls, as on local", async () => {
    cloudwatch.reset();
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    answerInsights(() => []);
    const metrics = await call(onAws(), "GET", "/api/v1/projects/shop/metrics?since=24h");
    expect(metrics.status).toBe(200);
    expect((metrics.json as { summary: unknown }).summary).toEqual({
      requests: 0,
      errors: 0,
      errorRate: 0,
      coldStarts: 0,
      gbSeconds: 0,
      bytesOut: 0,
      invocations: 0,
      p50: null,
      p95: null,
      p99: null,
    });
  });

  it("a Logs Insights query that fails is a 503 naming the site's log group, not an empty chart", async () => {
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    logs.on(StartQueryCommand).resolves({ queryId: "q-failed" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Failed" });
    const metrics = await call(onAws(), "GET", "/api/v1/projects/shop/metrics?since=1h");
    expect(metrics.status).toBe(503);
    expect(metrics.json).toMatchObject({
      code: "METRICS_UNAVAILABLE",
      message: `Latency and bytes of /slipway/sites/${projectId} cannot be read: the Logs Insights query ended Failed.`,
    });
  });
});

/**
 * Logs Insights as the mock: StartQuery hands back the query's period as its id, GetQueryResults
 * answers Complete with the rows `rows(period)` gives for it (the period field is named after it).
 */
function answerInsights(rows: (periodSeconds: number) => ResultField[][]) {
  logs.on(StartQueryCommand).callsFake(async (input: { queryString?: string }) => ({
    queryId: /by bin\((\d+)s\)/.exec(input.queryString ?? "")?.[1] ?? "0",
  }));
  logs.on(GetQueryResultsCommand).callsFake(async (input: { queryId?: string }) => ({
    status: "Complete",
    results: rows(Number(input.queryId)),
  }));
}

function insightsRow(periodSeconds: number, at: number, bucket: number, klass: number, n: number, out: number) {
  const periodMs = periodSeconds * 1000;
  const start = new Date(Math.floor(at / periodMs) * periodMs);
  return Object.entries({
    [`bin(${periodSeconds}s)`]: start.toISOString().replace("T", " ").replace("Z", ""),
    fn: siteFunctionName(projectId, deploymentId, "server").replace(/-server$/, ""),
    bucket: String(bucket),
    class: String(klass),
    n: String(n),
    out: String(out),
    // The server's lines only: none from an edge route's function.
    edge: "0",
    edgeMs: "0",
  }).map(([field, value]) => ({ field, value }));
}
