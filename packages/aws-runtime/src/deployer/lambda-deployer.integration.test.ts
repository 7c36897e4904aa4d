import { promises as fs } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { type BlobStore, type Deployment, MANIFEST_FILE, type Project, parseManifest } from "@slipway/core";
import { runDeployerContract } from "@slipway/core/contracts";
import { createMemorySecrets } from "@slipway/memory";
import { FIXTURE_DEPLOYMENT_ID, fixtureArtifact } from "@slipway/runtime/test-support";
import { mockClient } from "aws-sdk-client-mock";
import { create as createTar } from "tar";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildSiteEntries } from "../../build.mjs";
import type { DeploymentOrigins, EdgeRouteTable } from "../edge/route-table.ts";
import { previewModeIdKey, readPreviewModeId } from "../revalidation/preview-mode-id.ts";
import { createS3BlobStore } from "../s3/blob-store.ts";
import {
  IMAGE_ENTRY_FILE,
  IMAGE_ENTRY_HANDLER,
  parseOriginSecret,
  parseSnapshotLocation,
  SERVER_ENTRY_FILE,
  SERVER_ENTRY_HANDLER,
} from "../server-function/entry-env.ts";
import { ORIGIN_SECRET_HEADER } from "../server-function/origin-secret.ts";
import { type FakeLambda, mockLambda, type S3rver, startS3rver, zipNames } from "../test-support/index.ts";
import { createLambdaDeployer, type LambdaDeployerOptions } from "./lambda-deployer.ts";
import { siteFunctionName } from "./names.ts";

// The AWS Deployer on the shared fixture's real OpenNext artifact: S3 on s3rver, Lambda mocked at
// the SDK with its states and errors (fake-lambda.ts), function URLs pointed at a local stand-in
// that answers the pre-warm, and an in-memory edge route table.

const SECRET = "origin-secret-for-tests";
const SITE = "prj_site1";
/** Core's snapshot of the deployment's variables (what queue-deployment stores), sealed by the same Secrets. */
const secrets = createMemorySecrets();
let snapshot: string;
const project = { id: SITE, name: "shop" } as Project;
const urls = { hostname: (label: string) => `${label}.sites.test`, url: (h: string) => `https://${h}`, apiUrl: "" };
let siteEntriesDir: string;
let serverDir: string;

let s3rver: S3rver;
let s3: S3Client;
let blobs: BlobStore;
let lambda: FakeLambda;
const cloudwatch = mockClient(CloudWatchLogsClient);
let origin: Server;
let originUrl: string;
let warmStatus = 200;
/** What happened, in order, across the stand-in origin and the route table. */
const events: string[] = [];
const warmHeaders: (string | undefined)[] = [];
let workDir: string;

/** The aws-edge-fn engineer's KeyValueStore table takes this one's place outside tests. */
function memoryRouteTable(): EdgeRouteTable & { deployments: Map<string, DeploymentOrigins> } {
  const deployments = new Map<string, DeploymentOrigins>();
  return {
    deployments,
    async putDeployment(id, origins) {
      events.push(`route ${id}`);
      deployments.set(id, origins);
    },
    async deleteDeployment(id) {
      events.push(`unroute ${id}`);
      deployments.delete(id);
    },
    async putHost() {},
    async deleteHost() {},
  };
}
const routes = memoryRouteTable();

const deployment = (artifactKey: string | null): Deployment =>
  ({
    id: FIXTURE_DEPLOYMENT_ID,
    projectId: SITE,
    artifactKey,
    envSnapshot: snapshot,
    environment: "preview",
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch: "feature" },
  }) as Deployment;
const ARTIFACT_KEY = `artifacts/${FIXTURE_DEPLOYMENT_ID}.tar.gz`;

function options(overrides: Partial<LambdaDeployerOptions> = {}): LambdaDeployerOptions {
  return {
    blobs,
    lambda: { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
    logs: { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
    s3: s3rver.client,
    codeBucket: "code",
    assetsBucket: "assets",
    executionRoleArn: "arn:aws:iam::123456789012:role/slipway-site-functions",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/test",
    secrets,
    urls,
    projects: { get: async (id) => (id === SITE ? project : null) },
    siteEntriesDir,
    originSecret: SECRET,
    caches: { bucket: "cache", table: "slipway-tags", queueUrl: "https://sqs.example/q.fifo", region: "us-east-1" },
    routes,
    wait: { maxWaitSeconds: 5, minDelaySeconds: 0.05 },
    workDir,
    ...overrides,
  };
}

async function codeZip(key: string | undefined): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: "code", Key: String(key) }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => String(o.Key));
}

beforeAll(async () => {
  const [server, { artifactDir }] = await Promise.all([startS3rver(), fixtureArtifact()]);
  s3rver = server;
  const manifest = parseManifest(JSON.parse(await fs.readFile(path.join(artifactDir, MANIFEST_FILE), "utf8")));
  serverDir = path.join(artifactDir, manifest.server.dir);
  snapshot = await secrets.encrypt(JSON.stringify({ vars: { GREETING: "hello" }, secretKeys: [] }));
  s3 = new S3Client(s3rver.client);
  for (const Bucket of ["artifacts", "code", "assets", "cache"]) await s3.send(new CreateBucketCommand({ Bucket }));
  blobs = createS3BlobStore({ bucket: "artifacts", client: s3rver.client });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-lambda-deployer-"));
  siteEntriesDir = await buildSiteEntries(path.join(workDir, "site-entries"));
  // The artifact as the builder stores it: the artifact root as a gzipped tar.
  const tarFile = path.join(workDir, "artifact.tar.gz");
  await createTar({ file: tarFile, cwd: artifactDir, gzip: true, portable: true }, ["."]);
  await blobs.put(ARTIFACT_KEY, await fs.readFile(tarFile));
  origin = createServer((req, res) => {
    events.push(`warm ${req.url}`);
    warmHeaders.push(req.headers[ORIGIN_SECRET_HEADER] as string | undefined);
    res.writeHead(req.headers[ORIGIN_SECRET_HEADER] === SECRET ? warmStatus : 403).end("ok");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  lambda = mockLambda({ urlOf: (name) => `${originUrl}/${name}/` });
});

afterAll(async () => {
  cloudwatch.restore();
  lambda?.restore();
  s3?.destroy();
  await new Promise((resolve) => origin?.close(resolve));
  await s3rver?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

runDeployerContract({
  name: "aws-lambda",
  create: async () => createLambdaDeployer(options()),
  good: async () => deployment(ARTIFACT_KEY),
  bad: async () => deployment("artifacts/never-built.tar.gz"),
});

describe("Lambda deployer", () => {
  const server = siteFunctionName(SITE, FIXTURE_DEPLOYMENT_ID, "server");
  const image = siteFunctionName(SITE, FIXTURE_DEPLOYMENT_ID, "image");
  /** The calls that change something, as `Command name`. */
  const writes = () =>
    lambda
      .calls()
      .filter((c) => !/^(Get|List)/.test(c.command))
      .map((c) => `${c.command} ${c.input.FunctionName ?? ""}`.trim());

  beforeEach(async () => {
    await createLambdaDeployer(options()).deactivate(FIXTURE_DEPLOYMENT_ID);
    lambda.reset();
    cloudwatch.reset();
    lambda.account.used = 0;
    lambda.account.pendingPolls = 1;
    warmStatus = 200;
    events.length = 0;
    warmHeaders.length = 0;
  });

  it("publishes each bundle behind a streaming public URL, uploads the files, warms, then routes", async () => {
    const result = await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY));
    expect(result).toMatchObject({ ok: true, warmMs: expect.any(Number) });

    expect(writes()).toEqual([
      `CreateFunction ${server}`,
      `CreateFunction ${image}`,
      `PublishVersion ${server}`,
      `CreateAlias ${server}`,
      `CreateFunctionUrlConfig ${server}`,
      `AddPermission ${server}`,
      `AddPermission ${server}`,
      `PublishVersion ${image}`,
      `CreateAlias ${image}`,
      `CreateFunctionUrlConfig ${image}`,
      `AddPermission ${image}`,
      `AddPermission ${image}`,
    ]);
    // The code storage was checked before anything was created.
    const commands = lambda.calls().map((c) => c.command);
    expect(commands.indexOf("GetAccountSettings")).toBeLessThan(commands.indexOf("CreateFunction"));
    // A new function is Pending first: the waiter polled until it was Active.
    const polls = lambda.calls().filter((c) => c.command === "GetFunction" && c.input.FunctionName === server);
    expect(polls.length).toBeGreaterThanOrEqual(3);

    // The site's log group, with a retention, before its functions could write to it.
    expect(cloudwatch.commandCalls(CreateLogGroupCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: `/slipway/sites/${SITE}`, tags: { "slipway:site": SITE } },
    ]);
    expect(cloudwatch.commandCalls(PutRetentionPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: `/slipway/sites/${SITE}`, retentionInDays: 30 },
    ]);
    const created = lambda.functions.get(server)?.input;
    for (const fn of [created, lambda.functions.get(image)?.input]) {
      expect(fn?.LoggingConfig).toEqual({ LogGroup: `/slipway/sites/${SITE}`, LogFormat: "Text" });
    }
    expect(created).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["x86_64"],
      Handler: SERVER_ENTRY_HANDLER,
      Role: options().executionRoleArn,
      Code: { S3Bucket: "code", S3Key: `lambda-code/${FIXTURE_DEPLOYMENT_ID}/server.zip` },
      Tags: { "slipway:site": SITE, "slipway:deployment": FIXTURE_DEPLOYMENT_ID },
    });
    expect(lambda.functions.get(image)?.input.Handler).toBe(IMAGE_ENTRY_HANDLER);
    // The image function: the origin secret, and where OpenNext's S3 image loader reads originals
    // (the deployment's static files); none of the server's pointers.
    const imageEnv = lambda.functions.get(image)?.input.Environment?.Variables ?? {};
    expect(imageEnv).toEqual({
      SLIPWAY_ORIGIN_SECRET: SECRET,
      BUCKET_NAME: "assets",
      BUCKET_KEY_PREFIX: `assets/${FIXTURE_DEPLOYMENT_ID}`,
    });
    const env = created?.Environment?.Variables ?? {};
    // Read as the entries read it at cold start.
    expect(parseOriginSecret(env)).toBe(SECRET);
    const location = parseSnapshotLocation(env);
    expect(location.kmsKeyId).toBe(options().kmsKeyArn);
    expect(env.CACHE_BUCKET_KEY_PREFIX).toBe(`cache/${SITE}/`);
    expect(Buffer.byteLength(JSON.stringify(env))).toBeLessThanOrEqual(4096);
    // Pointers only: the sealed environment is in the code bucket, where the env says: the
    // snapshot's variables plus the system ones, as the local host gives them, and its secret values.
    const blob = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const sealed = String(await blob.Body?.transformToString());
    expect(JSON.parse(await secrets.decrypt(sealed))).toEqual({
      env: {
        GREETING: "hello",
        SLIPWAY_ENV: "preview",
        SLIPWAY_URL: expect.stringMatching(/^https:\/\/.+\.sites\.test$/),
        SLIPWAY_GIT_COMMIT_SHA: deployment(ARTIFACT_KEY).commit.sha,
        SLIPWAY_GIT_BRANCH: "feature",
        SLIPWAY_DEPLOYMENT_ID: FIXTURE_DEPLOYMENT_ID,
        SLIPWAY_API_URL: urls.apiUrl,
      },
      // GREETING is not secret: nothing to mask.
      mask: [],
    });
    // The revalidator's preview mode id, from the server bundle.
    const recorded = await blobs.get(previewModeIdKey(FIXTURE_DEPLOYMENT_ID));
    expect(await recorded?.toArray().then((c) => Buffer.concat(c).toString())).toBe(await readPreviewModeId(serverDir));

    // Each zip streamed to S3 holds its bundle with Slipway's entry beside OpenNext's index.mjs, at the root.
    const zip = await codeZip(created?.Code?.S3Key);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zipNames(zip)).toEqual(expect.arrayContaining(["index.mjs", SERVER_ENTRY_FILE]));
    const imageZip = zipNames(await codeZip(lambda.functions.get(image)?.input.Code?.S3Key));
    expect(imageZip).toEqual(expect.arrayContaining(["index.mjs", IMAGE_ENTRY_FILE]));
    expect(imageZip).not.toContain(SERVER_ENTRY_FILE);

    const urlCalls = lambda.calls().filter((c) => c.command === "CreateFunctionUrlConfig");
    expect(urlCalls.map((c) => c.input)).toEqual([
      expect.objectContaining({
        FunctionName: server,
        Qualifier: "live",
        AuthType: "NONE",
        InvokeMode: "RESPONSE_STREAM",
      }),
      // The image entry returns its whole response (OpenNext's image function is not streamed).
      expect.objectContaining({ FunctionName: image, Qualifier: "live", AuthType: "NONE", InvokeMode: "BUFFERED" }),
    ]);
    const permissions = [...(lambda.functions.get(server)?.permissions.values() ?? [])];
    expect(permissions).toEqual([
      expect.objectContaining({
        Action: "lambda:InvokeFunctionUrl",
        Principal: "*",
        FunctionUrlAuthType: "NONE",
        Qualifier: "live",
      }),
      expect.objectContaining({
        Action: "lambda:InvokeFunction",
        Principal: "*",
        InvokedViaFunctionUrl: true,
        Qualifier: "live",
      }),
    ]);

    // Static files under the deployment's prefix, immutable, typed; the .br/.gz siblings left out.
    const assets = await keys("assets", `assets/${FIXTURE_DEPLOYMENT_ID}/`);
    const script = assets.find((k) => k.endsWith(".js"));
    expect(script).toContain(`assets/${FIXTURE_DEPLOYMENT_ID}/_next/static/`);
    expect(assets.some((k) => k.endsWith(".br") || k.endsWith(".gz"))).toBe(false);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "assets", Key: script }));
    expect(head.CacheControl).toBe("public, max-age=31536000, immutable");
    // Where the image loader looks for `/_next/static/…` (`<BUCKET_KEY_PREFIX>/<url without its slash>`).
    const url = String(script).slice(`assets/${FIXTURE_DEPLOYMENT_ID}`.length);
    const loaded = `${imageEnv.BUCKET_KEY_PREFIX}/${url.replace(/^\//, "")}`;
    expect((await s3.send(new HeadObjectCommand({ Bucket: imageEnv.BUCKET_NAME, Key: loaded }))).ContentLength).toBe(
      head.ContentLength,
    );
    expect(head.ContentType).toBe("text/javascript; charset=utf-8");
    // The build's prerendered pages seed the site's ISR cache.
    expect((await keys("cache", `cache/${SITE}/`)).length).toBeGreaterThan(0);

    // Warmed through the server's URL with CloudFront's secret, and only then routed.
    expect(events).toEqual([`warm /${server}/`, `route ${FIXTURE_DEPLOYMENT_ID}`]);
    expect(warmHeaders).toEqual([SECRET]);
    expect(routes.deployments.get(FIXTURE_DEPLOYMENT_ID)).toEqual({
      server: new URL(originUrl).host,
      image: new URL(originUrl).host,
      assets: `assets/${FIXTURE_DEPLOYMENT_ID}`,
    });
  });

  it("a redelivered activation reuses the function, version, URL and permissions", async () => {
    expect((await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    lambda.mock.resetHistory();
    expect((await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    expect(writes().filter((w) => !w.startsWith("AddPermission"))).toEqual([]);
    expect([...lambda.functions.keys()].sort()).toEqual([image, server].sort());
    expect(lambda.functions.get(server)?.versions).toEqual(["1"]);
    expect(lambda.functions.get(server)?.permissions.size).toBe(2);
  });

  it("deactivate removes the route, URLs, functions with their versions, code, snapshot and files; twice is fine", async () => {
    const deployer = createLambdaDeployer(options());
    expect((await deployer.activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    lambda.mock.resetHistory();
    events.length = 0;
    await deployer.deactivate(FIXTURE_DEPLOYMENT_ID);
    expect(events).toEqual([`unroute ${FIXTURE_DEPLOYMENT_ID}`]);
    expect(writes()).toEqual([
      `DeleteFunctionUrlConfig ${server}`,
      `DeleteFunction ${server}`,
      `DeleteFunctionUrlConfig ${image}`,
      `DeleteFunction ${image}`,
    ]);
    expect(lambda.calls().find((c) => c.command === "DeleteFunction")?.input.Qualifier).toBeUndefined();
    expect(lambda.functions.size).toBe(0);
    expect(await keys("code", "")).toEqual([]);
    expect(await keys("assets", "")).toEqual([]);
    expect(await keys("cache", `cache/${SITE}/`)).toEqual([]);
    await deployer.deactivate(FIXTURE_DEPLOYMENT_ID);
  });

  it("an AWS error fails the activation naming the call and the error; a retry finishes without duplicates", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform: lambda:CreateFunctionUrlConfig"), {
      name: "AccessDeniedException",
    });
    lambda.failOnce("CreateFunctionUrlConfig", denied);
    const failed = await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY));
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.reason).toBe(
      `CreateFunctionUrlConfig ${server}:live failed: AccessDeniedException: User is not authorized to perform: lambda:CreateFunctionUrlConfig`,
    );
    expect(routes.deployments.has(FIXTURE_DEPLOYMENT_ID)).toBe(false);
    expect((await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    expect(writes().filter((w) => w.startsWith("CreateFunction ") || w.startsWith("PublishVersion"))).toEqual([
      `CreateFunction ${server}`,
      `CreateFunction ${image}`,
      `PublishVersion ${server}`,
      `PublishVersion ${image}`,
    ]);
  });

  it("keeps a site's existing log group; a log group it may not create fails before any function", async () => {
    const exists = Object.assign(new Error("The specified log group already exists"), {
      name: "ResourceAlreadyExistsException",
    });
    cloudwatch.on(CreateLogGroupCommand).rejectsOnce(exists);
    expect((await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    expect(cloudwatch.commandCalls(PutRetentionPolicyCommand)).toHaveLength(1);

    await createLambdaDeployer(options()).deactivate(FIXTURE_DEPLOYMENT_ID);
    lambda.reset();
    cloudwatch.reset();
    const denied = Object.assign(new Error("not authorized to perform: logs:CreateLogGroup"), {
      name: "AccessDeniedException",
    });
    cloudwatch.on(CreateLogGroupCommand).rejectsOnce(denied);
    const failed = await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY));
    expect(!failed.ok && failed.reason).toBe(
      `CreateLogGroup /slipway/sites/${SITE} failed: AccessDeniedException: not authorized to perform: logs:CreateLogGroup`,
    );
    expect(writes().filter((w) => w.startsWith("CreateFunction "))).toEqual([]);
  });

  it("a function stuck in Pending fails within the waiter's bound; a retry once it is Active succeeds", async () => {
    lambda.account.pendingPolls = 1_000_000;
    const deployer = createLambdaDeployer(options({ wait: { maxWaitSeconds: 1, minDelaySeconds: 0.05 } }));
    const failed = await deployer.activate(deployment(ARTIFACT_KEY));
    expect(!failed.ok && failed.reason).toMatch(new RegExp(`^waiting for ${server} to be Active failed: TimeoutError`));
    for (const fn of lambda.functions.values()) fn.pendingPolls = 0;
    expect((await deployer.activate(deployment(ARTIFACT_KEY))).ok).toBe(true);
    expect(lambda.functions.size).toBe(2);
  });

  it("refuses before creating anything when code storage would pass its share, naming the retention", async () => {
    lambda.account.used = Math.floor(lambda.account.totalCodeSize * 0.8);
    const failed = await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY));
    expect(!failed.ok && failed.reason).toMatch(
      /^Lambda code storage would reach 60\.\d\d GB of 75\.00 GB .*retainDeployments/,
    );
    expect(writes()).toEqual([]);
  });

  it("refuses an environment over Lambda's 4 KB before creating anything", async () => {
    const caches = {
      bucket: "cache",
      table: "t",
      queueUrl: `https://sqs.example/${"q".repeat(4000)}`,
      region: "us-east-1",
    };
    const failed = await createLambdaDeployer(options({ caches })).activate(deployment(ARTIFACT_KEY));
    expect(!failed.ok && failed.reason).toMatch(
      /^the server function: .* over Lambda's 4096-byte limit \(largest: REVALIDATION_QUEUE_URL/,
    );
    expect(writes()).toEqual([]);
  });

  it("a pre-warm answering 500 fails the activation and routes nothing", async () => {
    warmStatus = 500;
    const failed = await createLambdaDeployer(options()).activate(deployment(ARTIFACT_KEY));
    expect(!failed.ok && failed.reason).toMatch(/^pre-warm request to .* answered 500/);
    expect(events.filter((e) => e.startsWith("route"))).toEqual([]);
  });
});
