import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Alias } from "@slipway/core";
import { FIXTURE_DEPLOYMENT_ID, fixtureArtifact } from "@slipway/runtime/test-support";
import { interceptLocalhostDns } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildSiteEntries } from "../../build.mjs";
import { createKmsSecrets } from "../kms/envelope-secrets.ts";
import { recordPreviewModeId } from "../revalidation/preview-mode-id.ts";
import { createRevalidationHandler } from "../revalidation/revalidator.ts";
import { createS3BlobStore } from "../s3/blob-store.ts";
import {
  type DynamoDbLocal,
  type Fauxqs,
  type FunctionUrlEvent,
  functionUrlEvent,
  installAwsLambdaGlobal,
  invokeFunctionUrl,
  type S3rver,
  startDynamoDbLocal,
  startFakeKmsServer,
  startFauxqsServer,
  startS3rver,
} from "../test-support/index.ts";
import { sealServerEnv } from "./env-snapshot.ts";
import { ORIGIN_SECRET_HEADER } from "./origin-secret.ts";

/**
 * The fixture's real OpenNext server bundle (the shared build, unchanged) behind Slipway's Lambda
 * entry, invoked in this process as the Lambda runtime does for a RESPONSE_STREAM function URL,
 * with OpenNext's own AWS backends on the emulators: s3rver (cache bucket, env snapshot),
 * DynamoDB Local (tag table), fauxqs (FIFO revalidation queue), a KMS fake over HTTP (the entry
 * bundles its own SDK, which aws-sdk-client-mock cannot reach).
 */
const REGION = "us-east-1";
// s3rver checks signatures against these; DynamoDB Local keeps one database per access key.
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const CACHE_BUCKET = "slipway-site-caches";
const ARTIFACTS_BUCKET = "slipway-artifacts";
const CACHE_PREFIX = "sites/fixture";
const TAG_TABLE = "slipway-site-tags";
const KMS_KEY = "arn:aws:kms:us-east-1:000000000000:key/site-env";
const ENV_KEY = `deployments/${FIXTURE_DEPLOYMENT_ID}/server-env`;
const ORIGIN_SECRET = "s3cr3t-from-cloudfront";
const HOST = "fixture.sites.example.com";

/**
 * Loaded by Node itself, not by Vitest's module runner (which would transform the bundle): Node's
 * require of an ES module (the entry has no top-level await; it imports OpenNext's index.mjs itself).
 */
const nativeRequire = createRequire(import.meta.url);

let work: string;
let serverDir: string;
let s3: S3rver;
let dynamo: DynamoDbLocal;
let sqs: Fauxqs;
let kms: Awaited<ReturnType<typeof startFakeKmsServer>>;
let queueUrl: string;
let handler: unknown;
let edge: Server;
let restoreDns: (() => void) | undefined;
const originalFetch = globalThis.fetch;
const originalEnv = { ...process.env };

/** As CloudFront sends it: the origin secret and the viewer's host in x-forwarded-host. */
function viaCloudFront(request: { method?: string; path: string; headers?: Record<string, string> }): FunctionUrlEvent {
  return functionUrlEvent({
    ...request,
    headers: { "x-forwarded-host": HOST, [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET, ...request.headers },
  });
}

const invoke = (event: FunctionUrlEvent) => invokeFunctionUrl(handler, event);
const generatedAt = (html: string) => /id="generated-at">(\d+)</.exec(html)?.[1];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const { artifactDir } = await fixtureArtifact("next-app");
  work = await mkdtemp(join(tmpdir(), "slipway-aws-server-fn-"));
  serverDir = join(work, "server");
  // A copy outside the repository, so nothing resolves from the repo's node_modules by accident.
  await cp(join(artifactDir, "server-functions/default"), serverDir, { recursive: true, verbatimSymlinks: true });
  await buildSiteEntries(serverDir);
  [s3, dynamo, sqs, kms] = await Promise.all([
    startS3rver(),
    startDynamoDbLocal(),
    startFauxqsServer(),
    startFakeKmsServer(),
  ]);

  const s3Client = new S3Client({ ...s3.client, credentials: CREDENTIALS });
  for (const Bucket of [CACHE_BUCKET, ARTIFACTS_BUCKET]) await s3Client.send(new CreateBucketCommand({ Bucket }));
  // What the Deployer uploads: the build's prerendered cache under the site's prefix.
  const cacheDir = join(artifactDir, "cache");
  for (const rel of await readdir(cacheDir, { recursive: true })) {
    const body = await readFile(join(cacheDir, rel)).catch(() => null);
    if (body === null) continue; // a folder
    await s3Client.send(new PutObjectCommand({ Bucket: CACHE_BUCKET, Key: `${CACHE_PREFIX}/${rel}`, Body: body }));
  }
  await new DynamoDBClient({ ...dynamo.client, credentials: CREDENTIALS }).send(
    new CreateTableCommand({
      TableName: TAG_TABLE,
      KeySchema: [
        { AttributeName: "tag", KeyType: "HASH" },
        { AttributeName: "path", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "tag", AttributeType: "S" },
        { AttributeName: "path", AttributeType: "S" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const created = await new SQSClient(sqs.client).send(
    new CreateQueueCommand({
      QueueName: "fixture-revalidation.fifo",
      Attributes: { FifoQueue: "true", VisibilityTimeout: "1" },
    }),
  );
  // fauxqs names its queues on `sqs.<region>.localhost` (the SDK sends to the queue URL's host),
  // which Node's resolver does not know: fauxqs' own DNS shim resolves it to 127.0.0.1.
  restoreDns = interceptLocalhostDns();
  queueUrl = String(created.QueueUrl);
  // The deployment's environment, sealed as the Deployer seals it. CACHE_BUCKET_NAME tries to
  // redirect the cache: the function's own setting must win.
  const secrets = createKmsSecrets({
    keyId: KMS_KEY,
    client: { endpoint: kms.endpoint, region: REGION, credentials: CREDENTIALS },
  });
  const sealed = await sealServerEnv(secrets, {
    env: {
      GREETING: "hello from the sealed snapshot",
      SLIPWAY_ENV: "production",
      CACHE_BUCKET_NAME: "someone-elses-bucket",
    },
    mask: [],
  });
  await s3Client.send(new PutObjectCommand({ Bucket: ARTIFACTS_BUCKET, Key: ENV_KEY, Body: sealed }));

  // The function's configuration, as the Deployer sets it (endpoints: the emulators).
  for (const key of ["SLIPWAY_CACHE_DIR", "SLIPWAY_ASSETS_DIR", "SLIPWAY_REVALIDATE_ORIGIN", "GREETING"]) {
    delete process.env[key];
  }
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.client.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.client.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    CACHE_BUCKET_NAME: CACHE_BUCKET,
    CACHE_BUCKET_KEY_PREFIX: CACHE_PREFIX,
    CACHE_BUCKET_REGION: REGION,
    CACHE_DYNAMO_TABLE: TAG_TABLE,
    REVALIDATION_QUEUE_URL: queueUrl,
    REVALIDATION_QUEUE_REGION: REGION,
    SLIPWAY_ORIGIN_SECRET: ORIGIN_SECRET,
    SLIPWAY_ENV_BUCKET: ARTIFACTS_BUCKET,
    SLIPWAY_ENV_KEY: ENV_KEY,
    SLIPWAY_ENV_KMS_KEY_ID: KMS_KEY,
  });
  // OpenNext's DynamoDB nextMode tag cache signs its own requests to the regional endpoint with
  // aws4fetch (no endpoint setting): resolve that one host to DynamoDB Local, as DNS would.
  const dynamoEndpoint = String(dynamo.client.endpoint);
  const regional = `https://dynamodb.${REGION}.amazonaws.com`;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return originalFetch(url.startsWith(regional) ? dynamoEndpoint + url.slice(regional.length) : input, init);
  }) as typeof fetch;

  installAwsLambdaGlobal();
  ({ handler } = nativeRequire(join(serverDir, "slipway-lambda.mjs")) as { handler: unknown });

  // CloudFront for the revalidator: HTTP in, function URL event with the origin secret out.
  edge = createServer((req, res) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" && k !== "host" ? [[k, v]] : [])),
    );
    const event = viaCloudFront({ method: req.method, path: req.url ?? "/", headers });
    event.headers["x-forwarded-host"] = req.headers.host ?? "";
    invoke(event).then(
      (response) => {
        res.writeHead(response.statusCode, response.headers);
        res.end(req.method === "HEAD" ? undefined : response.body);
      },
      (error) => {
        res.writeHead(502);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => edge.listen(0, "127.0.0.1", resolve));
}, 600_000);

afterAll(async () => {
  globalThis.fetch = originalFetch;
  process.env = originalEnv;
  restoreDns?.();
  await new Promise<void>((resolve) => (edge ? edge.close(() => resolve()) : resolve()));
  await Promise.all([s3?.stop(), dynamo?.stop(), sqs?.stop(), kms?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the server function on Lambda (function URL, RESPONSE_STREAM)", () => {
  it("refuses a request without CloudFront's origin secret, or with a wrong one", async () => {
    const missing = await invoke(functionUrlEvent({ path: "/api/hello", headers: { "x-forwarded-host": HOST } }));
    expect(missing.statusCode).toBe(403);
    expect(missing.text).toContain("through its CloudFront distribution");
    const wrong = await invoke(viaCloudFront({ path: "/api/hello", headers: { [ORIGIN_SECRET_HEADER]: "guess" } }));
    expect(wrong.statusCode).toBe(403);
  });

  it("serves the app with the deployment's sealed env, loaded once per cold start", async () => {
    const first = await invoke(viaCloudFront({ path: "/api/hello?x=1" }));
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({
      hello: "world",
      greeting: "hello from the sealed snapshot",
      env: "production",
      query: { x: "1" },
    });
    const second = await invoke(viaCloudFront({ path: "/api/hello" }));
    expect(JSON.parse(second.text).greeting).toBe("hello from the sealed snapshot");
    expect(kms.decrypts()).toBe(1);
    // The function's own configuration won over the snapshot's CACHE_BUCKET_NAME.
    expect(process.env.CACHE_BUCKET_NAME).toBe(CACHE_BUCKET);
  });

  it("streams: the shell's bytes arrive before the slow part is rendered", async () => {
    const response = await invoke(viaCloudFront({ path: "/stream" }));
    expect(response.statusCode).toBe(200);
    expect(response.text).toContain("slow part done");
    const first = response.bodyChunks[0];
    expect(first).toBeDefined();
    // The page's Suspense boundary waits 800 ms: the shell must not wait for it.
    expect(response.endedAt - (first?.at ?? response.endedAt)).toBeGreaterThan(500);
  });

  it("serves an ISR page from the S3 cache, queues its revalidation on SQS, and the revalidator regenerates it", async () => {
    const cached = await invoke(viaCloudFront({ path: "/isr" }));
    expect(cached.statusCode).toBe(200);
    const built = generatedAt(cached.text);
    expect(built).toBeDefined();
    // revalidate = 5: once the cached copy is older, it is served stale and a message is queued.
    const stale = await until("a stale ISR answer", async () => {
      const response = await invoke(viaCloudFront({ path: "/isr" }));
      return response.headers["x-opennext-cache"] === "STALE" || response.headers["x-nextjs-cache"] === "STALE"
        ? response
        : undefined;
    });
    expect(generatedAt(stale.text)).toBe(built);
    const sqsClient = new SQSClient(sqs.client);
    const messages = await until("the revalidation message", async () => {
      const { Messages } = await sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages?.length ? Messages : undefined;
    });
    const body = JSON.parse(String(messages[0]?.Body));
    expect(body).toMatchObject({ host: HOST, url: "/isr" });

    // The platform's revalidator: host → deployment (alias) → its preview mode id → HEAD via the edge.
    const blobs = createS3BlobStore({ bucket: ARTIFACTS_BUCKET, client: { ...s3.client, credentials: CREDENTIALS } });
    await recordPreviewModeId(blobs, FIXTURE_DEPLOYMENT_ID, serverDir);
    const alias: Alias = {
      hostname: HOST,
      projectId: "prj_fixture",
      deploymentId: FIXTURE_DEPLOYMENT_ID,
      kind: "production",
      updatedAt: new Date().toISOString(),
    };
    const logs: string[] = [];
    const revalidate = createRevalidationHandler({
      aliases: { get: async (hostname) => (hostname === HOST ? alias : null) },
      blobs,
      edgeOrigin: `http://127.0.0.1:${(edge.address() as AddressInfo).port}`,
      log: (line) => logs.push(line),
    });
    const s3Client = new S3Client({ ...s3.client, credentials: CREDENTIALS });
    const before = await cacheEntryModified(s3Client, "/isr");
    const result = await revalidate({
      Records: messages.map((m) => ({ messageId: String(m.MessageId), body: String(m.Body) })),
    });
    expect(logs).toEqual([]);
    expect(result.batchItemFailures).toEqual([]);
    for (const m of messages) {
      await sqsClient.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    expect(await cacheEntryModified(s3Client, "/isr")).toBeGreaterThan(before);
    const fresh = await invoke(viaCloudFront({ path: "/isr" }));
    expect(Number(generatedAt(fresh.text))).toBeGreaterThan(Number(built));
  });

  it("revalidateTag in a route handler writes the tag to DynamoDB and the tagged page renders anew", async () => {
    const before = generatedAt((await invoke(viaCloudFront({ path: "/tagged" }))).text);
    expect(before).toBeDefined();
    const posted = await invoke(viaCloudFront({ method: "POST", path: "/api/revalidate-tag?tag=fixture-tag" }));
    expect(JSON.parse(posted.text)).toEqual({ revalidated: "fixture-tag" });
    const key = `${FIXTURE_DEPLOYMENT_ID}/_tag/fixture-tag`;
    const { Item } = await new DynamoDBClient({ ...dynamo.client, credentials: CREDENTIALS }).send(
      new GetItemCommand({ TableName: TAG_TABLE, Key: { tag: { S: key }, path: { S: key } } }),
    );
    expect(Number(Item?.revalidatedAt?.N)).toBeGreaterThan(0);
    const after = await until("the tagged page rendered anew", async () => {
      const stamp = generatedAt((await invoke(viaCloudFront({ path: "/tagged" }))).text);
      return stamp !== before ? stamp : undefined;
    });
    expect(Number(after)).toBeGreaterThan(Number(before));
  });

  it("revalidatePath in a route handler writes the path's tag to DynamoDB", async () => {
    const posted = await invoke(viaCloudFront({ method: "POST", path: "/api/revalidate?path=/isr" }));
    expect(JSON.parse(posted.text)).toEqual({ revalidated: "/isr" });
    const key = `${FIXTURE_DEPLOYMENT_ID}/_tag/_N_T_/isr`;
    const { Item } = await new DynamoDBClient({ ...dynamo.client, credentials: CREDENTIALS }).send(
      new GetItemCommand({ TableName: TAG_TABLE, Key: { tag: { S: key }, path: { S: key } } }),
    );
    expect(Number(Item?.revalidatedAt?.N)).toBeGreaterThan(0);
  });
});

/** When the cached copy of a page was last written to S3 (OpenNext's key layout). */
async function cacheEntryModified(client: S3Client, page: string): Promise<number> {
  const { Contents } = await client.send(
    new ListObjectsV2Command({ Bucket: CACHE_BUCKET, Prefix: `${CACHE_PREFIX}/${FIXTURE_DEPLOYMENT_ID}/` }),
  );
  const key = Contents?.map((c) => String(c.Key)).find((k) => k.endsWith(`${page}.cache`));
  if (!key) throw new Error(`no cache entry for ${page}`);
  const head = await client.send(new HeadObjectCommand({ Bucket: CACHE_BUCKET, Key: key }));
  return head.LastModified?.getTime() ?? 0;
}
