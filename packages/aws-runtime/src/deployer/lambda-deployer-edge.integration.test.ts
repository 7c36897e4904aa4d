import { promises as fs } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { type BlobStore, type Deployment, EDGE_ROUTE_FILE, MANIFEST_FILE, type Project } from "@slipway/core";
import { createMemorySecrets } from "@slipway/memory";
import { fixtureArtifact } from "@slipway/runtime/test-support";
import { mockClient } from "aws-sdk-client-mock";
import { create as createTar } from "tar";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildSiteEntries } from "../../build.mjs";
import { MAX_EDGE_ROUTES } from "../edge/route-encoding.ts";
import type { DeploymentOrigins, EdgeRouteTable } from "../edge/route-table.ts";
import { createS3BlobStore } from "../s3/blob-store.ts";
import { SERVER_ENTRY_FILE, SERVER_ENTRY_HANDLER } from "../server-function/entry-env.ts";
import { ORIGIN_SECRET_HEADER } from "../server-function/origin-secret.ts";
import { type FakeLambda, mockLambda, type S3rver, startS3rver, zipNames } from "../test-support/index.ts";
import { createLambdaDeployer, type LambdaDeployerOptions } from "./lambda-deployer.ts";
import { siteFunctionName } from "./names.ts";

// The AWS Deployer on an artifact with edge-runtime routes: the shared fixture's real OpenNext
// artifact with two edge function bundles added as the builder lays them out (a folder under
// server-functions/ with index.mjs and the route file; the manifest's `functions`). Lambda is
// mocked at the SDK (fake-lambda.ts), S3 is s3rver. The real edge bundle running behind the
// server entry: server-function/edge-route.integration.test.ts.

const SECRET = "origin-secret-for-edge-tests";
const SITE = "prj_edge1";
/** A real-looking deployment id: the edge route check encodes it as the route table does. */
const DEPLOYMENT_ID = "edgedpl001";
const secrets = createMemorySecrets();
const project = { id: SITE, name: "edgy" } as Project;
const urls = { hostname: (label: string) => `${label}.sites.test`, url: (h: string) => `https://${h}`, apiUrl: "" };

const EDGE_FUNCTIONS = [
  { name: "edge-og", route: "app/og/route", paths: ["/og"], cdnPatterns: ["og"] },
  { name: "edge-hello-name", route: "app/hello/[name]/route", paths: ["/hello/[name]"], cdnPatterns: ["hello/*"] },
];

let s3rver: S3rver;
let s3: S3Client;
let blobs: BlobStore;
let lambda: FakeLambda;
const cloudwatch = mockClient(CloudWatchLogsClient);
let origin: Server;
let originUrl: string;
/** Paths the stand-in function URLs were asked for with the origin secret: the pre-warm requests. */
const warmed: string[] = [];
let workDir: string;
let siteEntriesDir: string;
let snapshot: string;
const deployments = new Map<string, DeploymentOrigins>();
const routes: EdgeRouteTable = {
  async putDeployment(id, origins) {
    deployments.set(id, origins);
  },
  async deleteDeployment(id) {
    deployments.delete(id);
  },
  async putHost() {},
  async deleteHost() {},
};

const deployment = (artifactKey: string): Deployment =>
  ({
    id: DEPLOYMENT_ID,
    projectId: SITE,
    artifactKey,
    envSnapshot: snapshot,
    environment: "preview",
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch: "edge" },
  }) as Deployment;

/**
 * The fixture's artifact with `functions` edge bundles added, stored under `key`. Each bundle is
 * a module exporting a handler, with the route file the builder writes beside it.
 */
async function storeEdgeArtifact(key: string, functions: typeof EDGE_FUNCTIONS): Promise<void> {
  const { artifactDir } = await fixtureArtifact();
  const root = await fs.mkdtemp(path.join(workDir, "artifact-"));
  await fs.cp(artifactDir, root, { recursive: true, verbatimSymlinks: true });
  const manifest = JSON.parse(await fs.readFile(path.join(root, MANIFEST_FILE), "utf8"));
  for (const fn of functions) {
    const dir = path.join(root, "server-functions", fn.name);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, "index.mjs"), `export const handler = async () => "${fn.name}";\n`);
    await fs.writeFile(path.join(dir, EDGE_ROUTE_FILE), JSON.stringify({ path: fn.paths[0] }));
  }
  const routed = functions.map((fn) => ({
    ...fn,
    routes: [fn.route],
    runtime: "edge",
    dir: `server-functions/${fn.name}`,
    entry: "index.mjs",
    streaming: true,
  }));
  const edgeManifest = { ...manifest, version: 2, deploymentId: DEPLOYMENT_ID, functions: routed };
  for (const fn of edgeManifest.functions) delete fn.route;
  await fs.writeFile(path.join(root, MANIFEST_FILE), JSON.stringify(edgeManifest));
  const tarFile = `${root}.tar.gz`;
  await createTar({ file: tarFile, cwd: root, gzip: true, portable: true }, ["."]);
  await blobs.put(key, await fs.readFile(tarFile));
  await fs.rm(root, { recursive: true, force: true });
}

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

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => String(o.Key));
}

const ARTIFACT = `artifacts/${DEPLOYMENT_ID}.tar.gz`;
const TOO_MANY = `artifacts/${DEPLOYMENT_ID}-too-many.tar.gz`;

beforeAll(async () => {
  s3rver = await startS3rver();
  s3 = new S3Client(s3rver.client);
  for (const Bucket of ["artifacts", "code", "assets", "cache"]) await s3.send(new CreateBucketCommand({ Bucket }));
  blobs = createS3BlobStore({ bucket: "artifacts", client: s3rver.client });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-lambda-deployer-edge-"));
  siteEntriesDir = await buildSiteEntries(path.join(workDir, "site-entries"));
  snapshot = await secrets.encrypt(JSON.stringify({ vars: { GREETING: "hello" }, secretKeys: [] }));
  await storeEdgeArtifact(ARTIFACT, EDGE_FUNCTIONS);
  const many = Array.from({ length: MAX_EDGE_ROUTES + 1 }, (_, i) => ({
    name: `edge-r${i}`,
    route: `app/r${i}/route`,
    paths: [`/r${i}`],
    cdnPatterns: [`r${i}`],
  }));
  await storeEdgeArtifact(TOO_MANY, many);
  origin = createServer((req, res) => {
    const allowed = req.headers[ORIGIN_SECRET_HEADER] === SECRET;
    if (allowed) warmed.push(req.url ?? "");
    res.writeHead(allowed ? 200 : 403).end("ok");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  lambda = mockLambda({ urlOf: (name) => `${originUrl}/${name}/` });
}, 300_000);

afterAll(async () => {
  cloudwatch.restore();
  lambda?.restore();
  s3?.destroy();
  await new Promise((resolve) => origin?.close(resolve));
  await s3rver?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe("Lambda deployer, edge-runtime routes", () => {
  const server = siteFunctionName(SITE, DEPLOYMENT_ID, "server");
  const image = siteFunctionName(SITE, DEPLOYMENT_ID, "image");
  const edge0 = siteFunctionName(SITE, DEPLOYMENT_ID, "edge0");
  const edge1 = siteFunctionName(SITE, DEPLOYMENT_ID, "edge1");
  const writes = () =>
    lambda
      .calls()
      .filter((c) => !/^(Get|List)/.test(c.command))
      .map((c) => `${c.command} ${c.input.FunctionName ?? ""}`.trim());
  const published = (name: string) => [
    `PublishVersion ${name}`,
    `CreateAlias ${name}`,
    `CreateFunctionUrlConfig ${name}`,
    `AddPermission ${name}`,
    `AddPermission ${name}`,
  ];

  beforeEach(async () => {
    await createLambdaDeployer(options()).deactivate(DEPLOYMENT_ID);
    lambda.reset();
    cloudwatch.reset();
    lambda.account.used = 0;
    lambda.account.pendingPolls = 1;
  });

  it("publishes each edge route as its own streaming function behind the server entry, and routes its paths to it", async () => {
    warmed.length = 0;
    const result = await createLambdaDeployer(options()).activate(deployment(ARTIFACT));
    expect(result).toMatchObject({ ok: true });
    // Every function warmed through its URL before the route table names it: edge routes at a path
    // of their route (a dynamic segment filled in).
    expect(warmed.sort()).toEqual([`/${server}/`, "/hello/slipway-warm", "/og"].sort());
    expect(writes()).toEqual([
      `CreateFunction ${server}`,
      `CreateFunction ${image}`,
      `CreateFunction ${edge0}`,
      `CreateFunction ${edge1}`,
      ...published(server),
      ...published(image),
      ...published(edge0),
      ...published(edge1),
    ]);
    const serverInput = lambda.functions.get(server)?.input;
    for (const [name, fn] of [edge0, edge1].map((n, i) => [n, EDGE_FUNCTIONS[i]] as const)) {
      const input = lambda.functions.get(name)?.input;
      expect(input).toMatchObject({
        Runtime: "nodejs22.x",
        Handler: SERVER_ENTRY_HANDLER,
        MemorySize: serverInput?.MemorySize,
        Tags: { "slipway:site": SITE, "slipway:deployment": DEPLOYMENT_ID },
        LoggingConfig: { LogGroup: `/slipway/sites/${SITE}`, LogFormat: "Text" },
      });
      expect(input?.Description).toContain(`edge route ${fn?.paths[0]} (${fn?.name})`);
      // The server's environment: the origin secret and where its sealed environment is.
      expect(input?.Environment).toEqual(serverInput?.Environment);
      const object = await s3.send(new GetObjectCommand({ Bucket: "code", Key: input?.Code?.S3Key }));
      const zip = zipNames(Buffer.from((await object.Body?.transformToByteArray()) ?? []));
      expect(zip.sort()).toEqual(["index.mjs", EDGE_ROUTE_FILE, SERVER_ENTRY_FILE].sort());
    }
    const urlCalls = lambda.calls().filter((c) => c.command === "CreateFunctionUrlConfig");
    for (const name of [edge0, edge1]) {
      expect(urlCalls.find((c) => c.input.FunctionName === name)?.input).toMatchObject({
        Qualifier: "live",
        AuthType: "NONE",
        InvokeMode: "RESPONSE_STREAM",
      });
      expect([...(lambda.functions.get(name)?.permissions.values() ?? [])]).toEqual([
        expect.objectContaining({ Action: "lambda:InvokeFunctionUrl", FunctionUrlAuthType: "NONE" }),
        expect.objectContaining({ Action: "lambda:InvokeFunction", InvokedViaFunctionUrl: true }),
      ]);
    }
    const host = new URL(originUrl).host;
    expect(deployments.get(DEPLOYMENT_ID)).toEqual({
      server: host,
      image: host,
      assets: `assets/${DEPLOYMENT_ID}`,
      edge: [
        { path: "/og", origin: host },
        { path: "/hello/[name]", origin: host },
      ],
    });
  });

  it("deactivate deletes the edge routes' functions and code with the rest", async () => {
    const deployer = createLambdaDeployer(options());
    expect((await deployer.activate(deployment(ARTIFACT))).ok).toBe(true);
    expect(await keys("code", `lambda-code/${DEPLOYMENT_ID}/`)).toHaveLength(4);
    lambda.mock.resetHistory();
    await deployer.deactivate(DEPLOYMENT_ID);
    expect(writes()).toEqual(
      [server, image, edge0, edge1].flatMap((name) => [`DeleteFunctionUrlConfig ${name}`, `DeleteFunction ${name}`]),
    );
    expect(lambda.functions.size).toBe(0);
    expect(await keys("code", "")).toEqual([]);
    expect(deployments.has(DEPLOYMENT_ID)).toBe(false);
  });

  it("refuses more edge routes than the route table holds before creating anything, naming them", async () => {
    const failed = await createLambdaDeployer(options()).activate(deployment(TOO_MANY));
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.reason).toContain(
      `Deployment ${DEPLOYMENT_ID} has ${MAX_EDGE_ROUTES + 1} edge-runtime route paths (/r0, /r1,`,
    );
    expect(!failed.ok && failed.reason).toContain("Node.js runtime");
    expect(writes()).toEqual([]);
    expect(await keys("code", "")).toEqual([]);
  });
});
