import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { CoreDeps, Deployment } from "@slipway/core";
import { createMemoryDeployer } from "@slipway/memory";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiGatewayEvent,
  callApiHandler,
  createStreamPump,
  type DynamoDbLocal,
  type Fauxqs,
  mockCodeBuild,
  mockKms,
  type S3rver,
  type StreamPump,
  startDynamoDbLocal,
  startFauxqsServer,
  startS3rver,
} from "../test-support/index.ts";
import { ensureAdminTokenFromSecret } from "./admin-token.ts";
import { createApiHandler } from "./api.ts";
import { controlPlaneDeps } from "./deps.ts";
import type { ControlPlaneConfig } from "./env.ts";
import { createOutboxHandler } from "./outbox.ts";
import { createStepsHandler, type SqsEvent, STEP_ATTEMPTS } from "./steps.ts";

// The control plane's Lambda handlers invoked as Lambda invokes them (API Gateway HTTP API v2
// events, SQS events, DynamoDB stream records), on the real adapters against DynamoDB Local,
// fauxqs and s3rver; KMS, CodeBuild and Secrets Manager mocked at the SDK.

const ADMIN_TOKEN = "Q2hhbmdlIG1lIGluIHRoZSBzZWNyZXQgbm90IGluIHRoZSBjb2Rl";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const BUILD_PROJECT = "slipway-build";

let dynamo: DynamoDbLocal;
let sqs: Fauxqs;
let s3: S3rver;
let sqsAdmin: SQSClient;
let config: ControlPlaneConfig;
let deps: CoreDeps;
let pump: StreamPump;
let outboxRelayed = 0;
const restores: (() => void)[] = [];
const deployer = createMemoryDeployer();

beforeAll(async () => {
  [dynamo, sqs, s3] = await Promise.all([startDynamoDbLocal(), startFauxqsServer(), startS3rver()]);
  sqsAdmin = new SQSClient(sqs.client);
  const s3Admin = new S3Client(s3.client);
  const { QueueUrl } = await sqsAdmin.send(new CreateQueueCommand({ QueueName: "slipway-steps" }));
  for (const Bucket of ["artifacts", "caches"]) await s3Admin.send(new CreateBucketCommand({ Bucket }));
  s3Admin.destroy();
  config = {
    tableName: await dynamo.createStoreTable(),
    artifactsBucket: "artifacts",
    cachesBucket: "caches",
    stepsQueueUrl: String(QueueUrl),
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/test",
    buildProjectName: BUILD_PROJECT,
    adminTokenSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:admin",
    apiUrl: "https://api.example.test",
    sitesDomain: "sites.example.test",
    githubApiUrl: null,
  };
  deps = controlPlaneDeps(
    config,
    { dynamodb: dynamo.client, sqs: sqs.client, s3: s3.client, kms: { region: "us-east-1" } },
    { deployer },
  );
  const kms = mockKms();
  const codebuild = mockCodeBuild(deps.blobs);
  const secrets = mockClient(SecretsManagerClient);
  secrets
    .on(GetSecretValueCommand, { SecretId: config.adminTokenSecretArn ?? "" })
    .resolves({ SecretString: ADMIN_TOKEN });
  restores.push(kms.restore, codebuild.restore, () => secrets.restore());
  // What the table's event source mapping does on AWS: the stream's records, to the outbox Lambda.
  const outbox = createOutboxHandler(deps.queue);
  pump = createStreamPump(dynamo.client, config.tableName, deps.queue, async (records) => {
    const { relayed } = await outbox({ Records: records });
    outboxRelayed += relayed;
    return relayed;
  });
}, 120_000);

afterAll(async () => {
  for (const restore of restores) restore();
  sqsAdmin?.destroy();
  await Promise.all([dynamo?.stop(), sqs?.stop(), s3?.stop()]);
});

function callApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return callApiHandler(createApiHandler(deps), apiGatewayEvent(method, path, { token: ADMIN_TOKEN, body }));
}

/** Receives what is on the step queue as Lambda's poller does, with the attributes it asks for. */
async function receive(): Promise<SqsEvent["Records"] & { receiptHandle: string }[]> {
  const { Messages = [] } = await sqsAdmin.send(
    new ReceiveMessageCommand({
      QueueUrl: config.stepsQueueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  return Messages.map((m) => ({
    messageId: String(m.MessageId),
    receiptHandle: String(m.ReceiptHandle),
    body: String(m.Body),
    attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1" },
  }));
}

/** One poll of the event source mapping: invoke the steps handler, delete what it did not report failed. */
async function deliverSteps(): Promise<{ delivered: number; failed: string[] }> {
  const records = await receive();
  if (records.length === 0) return { delivered: 0, failed: [] };
  const steps = createStepsHandler(deps, { buildProjectName: BUILD_PROJECT, log: () => {} });
  const { batchItemFailures } = await steps({ Records: records });
  const failed = batchItemFailures.map((f) => f.itemIdentifier);
  for (const record of records) {
    if (!failed.includes(record.messageId)) {
      await sqsAdmin.send(
        new DeleteMessageCommand({ QueueUrl: config.stepsQueueUrl, ReceiptHandle: record.receiptHandle }),
      );
    }
  }
  return { delivered: records.length, failed };
}

async function deploymentOf(id: string): Promise<Deployment> {
  const deployment = await deps.store.deployments.get(id);
  if (!deployment) throw new Error(`no deployment ${id}`);
  return deployment;
}

/** Pumps the stream and delivers the queue until the deployment is in one of `statuses` (30 s at most). */
async function runPipelineUntil(id: string, statuses: Deployment["status"][]): Promise<Deployment> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const deployment = await deploymentOf(id);
    if (statuses.includes(deployment.status)) return deployment;
    if (Date.now() > deadline) throw new Error(`deployment ${id} stayed ${deployment.status}`);
    await pump.pump();
    await deliverSteps();
  }
}

async function createProjectAndDeploy(name: string): Promise<string> {
  const created = await callApi("POST", "/api/v1/projects", { name, repo: `https://github.com/acme/${name}` });
  expect(created.status).toBe(201);
  const queued = await callApi("POST", `/api/v1/projects/${name}/deployments`, { ref: SHA });
  expect(queued.status).toBe(202);
  const deployment = queued.json as { id: string; status: string };
  expect(deployment.status).toBe("queued");
  return deployment.id;
}

describe("the control plane's Lambda handlers", () => {
  it("API cold start: the admin token from Secrets Manager is accepted, and stored only once", async () => {
    expect(await ensureAdminTokenFromSecret(deps.store, config.adminTokenSecretArn ?? "")).toEqual({ created: true });
    expect(await ensureAdminTokenFromSecret(deps.store, config.adminTokenSecretArn ?? "")).toEqual({ created: false });
    expect((await callApi("GET", "/api/v1/projects")).status).toBe(200);
    const anonymous = await createApiHandler(deps)(apiGatewayEvent("GET", "/api/v1/projects", { token: null }));
    expect(anonymous.statusCode).toBe(401);
  });

  it("a deploy request goes API → outbox stream → step queue → CodeBuild → ready", async () => {
    const id = await createProjectAndDeploy("shop");
    const before = outboxRelayed;
    await pump.pump();
    expect(outboxRelayed).toBeGreaterThan(before);

    const building = await runPipelineUntil(id, ["building", "deploying", "ready", "error"]);
    expect(building.status).toBe("building");
    // The mocked build succeeds on its first status poll, exporting this key: the artifact the build uploads.
    const handle = await text(`build-requests/${id}/handle`);
    await deps.blobs.put(`artifacts/${handle}.tar`, Buffer.from("artifact"));

    const ready = await runPipelineUntil(id, ["ready", "error"]);
    expect(ready.statusReason ?? null).toBeNull();
    expect(ready.status).toBe("ready");
    expect(deployer.activations).toContain(id);
    const shown = await callApi("GET", `/api/v1/deployments/${id}`);
    expect(shown.json).toMatchObject({ id, status: "ready" });
  });

  it("a CodeBuild state change arriving raw on the queue runs the watch step at once", async () => {
    const id = await createProjectAndDeploy("blog");
    await runPipelineUntil(id, ["building"]);
    const handle = await text(`build-requests/${id}/handle`);
    await deps.blobs.put(`artifacts/${handle}.tar`, Buffer.from("artifact"));
    const [, uuid] = handle.split(":");
    const event = {
      version: "0",
      "detail-type": "CodeBuild Build State Change",
      source: "aws.codebuild",
      account: "123456789012",
      region: "us-east-1",
      detail: {
        "build-status": "SUCCEEDED",
        "project-name": BUILD_PROJECT,
        "build-id": `arn:aws:codebuild:us-east-1:123456789012:build/${BUILD_PROJECT}:${uuid}`,
        "additional-information": {
          environment: {
            "environment-variables": [
              { name: "SLIPWAY_BUILD_REQUEST_KEY", value: `build-requests/${id}/request.json`, type: "PLAINTEXT" },
            ],
          },
        },
      },
    };
    const steps = createStepsHandler(deps, { buildProjectName: BUILD_PROJECT, log: () => {} });
    const result = await steps({ Records: [{ messageId: "eventbridge-1", body: JSON.stringify(event) }] });
    expect(result.batchItemFailures).toEqual([]);
    // Straight to deploying, without waiting for the watcher's next poll.
    expect((await deploymentOf(id)).status).toBe("deploying");
    expect((await runPipelineUntil(id, ["ready", "error"])).status).toBe("ready");
  });

  it("reports a failing step as a batch item failure, gives the deployment up on the last delivery, drops garbage", async () => {
    const id = await createProjectAndDeploy("broken");
    await pump.pump();
    const records = await receive();
    const start = records.find((r) => r.body.includes(id));
    if (!start) throw new Error("the deploy message was not relayed");
    const failing: CoreDeps = {
      ...deps,
      builder: {
        ...deps.builder,
        start: () => Promise.reject(new Error("CodeBuild is throttling")),
      },
    };
    const steps = createStepsHandler(failing, { buildProjectName: BUILD_PROJECT, log: () => {} });
    const garbage = { messageId: "garbage", body: "not json" };
    const first = await steps({ Records: [{ ...start, attributes: { ApproximateReceiveCount: "1" } }, garbage] });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: start.messageId }]);
    // Not given up before its last delivery: SQS delivers it again.
    expect((await deploymentOf(id)).status).not.toBe("error");

    const last = await steps({
      Records: [{ ...start, attributes: { ApproximateReceiveCount: String(STEP_ATTEMPTS) } }],
    });
    expect(last.batchItemFailures).toEqual([{ itemIdentifier: start.messageId }]);
    const given = await deploymentOf(id);
    expect(given.status).toBe("error");
    expect(given.statusReason).toContain("CodeBuild is throttling");
    for (const record of records) {
      await sqsAdmin.send(
        new DeleteMessageCommand({ QueueUrl: config.stepsQueueUrl, ReceiptHandle: record.receiptHandle }),
      );
    }
  });
});

async function text(key: string): Promise<string> {
  const stream = await deps.blobs.get(key);
  if (!stream) throw new Error(`no blob ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}
