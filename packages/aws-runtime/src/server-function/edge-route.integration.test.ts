import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { EDGE_ROUTE_FILE, MANIFEST_FILE, parseManifest, type RoutedFunction } from "@slipway/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error build.mjs is plain JavaScript without types
import { buildSiteEntries } from "../../build.mjs";
import { planSiteFunctions } from "../deployer/site-function-plan.ts";
import { createKmsSecrets } from "../kms/envelope-secrets.ts";
import { edgeFixtureArtifact } from "../test-support/edge-fixture-artifact.ts";
import {
  type FunctionUrlEvent,
  functionUrlEvent,
  installAwsLambdaGlobal,
  invokeFunctionUrl,
  type S3rver,
  startFakeKmsServer,
  startS3rver,
} from "../test-support/index.ts";
import { SERVER_ENTRY_FILE } from "./entry-env.ts";
import { sealServerEnv } from "./env-snapshot.ts";
import { ORIGIN_SECRET_HEADER } from "./origin-secret.ts";

/**
 * An edge-runtime route of the real edge fixture (fixtures/edge-app built by Slipway's builder:
 * OpenNext's bundle of `app/hello/[name]/route`, unchanged) as the AWS Deployer publishes it: its
 * own function, run by the server entry, invoked in this process as Lambda does for a
 * RESPONSE_STREAM function URL. The working directory is the bundle's folder, as on Lambda
 * (`/var/task`): the edge wrapper reads the route file from there.
 */
const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const ENV_BUCKET = "slipway-code";
const ENV_KEY = "env-snapshots/edgefix001";
const KMS_KEY = "arn:aws:kms:us-east-1:000000000000:key/site-env";
const ORIGIN_SECRET = "s3cr3t-for-the-edge-route";

const nativeRequire = createRequire(import.meta.url);
let work: string;
let s3: S3rver;
let kms: Awaited<ReturnType<typeof startFakeKmsServer>>;
let handler: unknown;
let hello: RoutedFunction;
let og: RoutedFunction;
let artifact: string;
const originalCwd = process.cwd();
const originalEnv = { ...process.env };

function viaCloudFront(path: string, headers: Record<string, string> = {}): FunctionUrlEvent {
  return functionUrlEvent({
    path,
    headers: { "x-forwarded-host": "edge.sites.example.com", [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET, ...headers },
  });
}

beforeAll(async () => {
  const { artifactDir } = await edgeFixtureArtifact();
  const manifest = parseManifest(JSON.parse(await readFile(join(artifactDir, MANIFEST_FILE), "utf8")));
  const found = manifest.functions.find((fn) => fn.paths.includes("/hello/[name]"));
  if (!found) throw new Error(`the edge fixture has no /hello/[name] function: ${JSON.stringify(manifest.functions)}`);
  hello = found;
  const ogFound = manifest.functions.find((fn) => fn.paths.includes("/og"));
  if (!ogFound) throw new Error("the edge fixture has no /og function");
  og = ogFound;
  artifact = artifactDir;
  // The function the Deployer plans for it: the server entry around the bundle.
  const planned = planSiteFunctions(
    manifest,
    { siteId: "prj_edge", deploymentId: "edgefix001" },
    { server: 1, image: 1 },
  );
  expect(planned.find((fn) => fn.dir === hello.dir)?.file).toBe(SERVER_ENTRY_FILE);

  work = await mkdtemp(join(tmpdir(), "slipway-aws-edge-route-"));
  const bundle = join(work, "task");
  // A copy outside the repository, so nothing resolves from the repo's node_modules.
  await cp(join(artifactDir, hello.dir), bundle, { recursive: true, verbatimSymlinks: true });
  await buildSiteEntries(bundle);

  [s3, kms] = await Promise.all([startS3rver(), startFakeKmsServer()]);
  const s3Client = new S3Client({ ...s3.client, credentials: CREDENTIALS });
  await s3Client.send(new CreateBucketCommand({ Bucket: ENV_BUCKET }));
  const secrets = createKmsSecrets({
    keyId: KMS_KEY,
    client: { endpoint: kms.endpoint, region: REGION, credentials: CREDENTIALS },
  });
  const sealed = await sealServerEnv(secrets, { env: { SLIPWAY_ENV: "preview" }, mask: [] });
  await s3Client.send(new PutObjectCommand({ Bucket: ENV_BUCKET, Key: ENV_KEY, Body: sealed }));
  s3Client.destroy();
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.client.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    SLIPWAY_ORIGIN_SECRET: ORIGIN_SECRET,
    SLIPWAY_ENV_BUCKET: ENV_BUCKET,
    SLIPWAY_ENV_KEY: ENV_KEY,
    SLIPWAY_ENV_KMS_KEY_ID: KMS_KEY,
  });
  installAwsLambdaGlobal();
  process.chdir(bundle);
  ({ handler } = nativeRequire(join(bundle, SERVER_ENTRY_FILE)) as { handler: unknown });
}, 900_000);

afterAll(async () => {
  process.chdir(originalCwd);
  process.env = originalEnv;
  await Promise.all([s3?.stop(), kms?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("an edge-runtime route on Lambda (its own function, function URL, RESPONSE_STREAM)", () => {
  it("is the builder's bundle of the route, with its route file beside it", async () => {
    expect(hello).toMatchObject({ runtime: "edge", routes: ["app/hello/[name]/route"] });
    expect(JSON.parse(await readFile(join(work, "task", EDGE_ROUTE_FILE), "utf8"))).toEqual({ path: "/hello/[name]" });
  });

  it("refuses a request without CloudFront's origin secret", async () => {
    const response = await invokeFunctionUrl(handler, functionUrlEvent({ path: "/hello/ada" }));
    expect(response.statusCode).toBe(403);
  });

  it("answers the route through Lambda's response stream, with the path's param", async () => {
    const response = await invokeFunctionUrl(handler, viaCloudFront("/hello/ada"));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.text).toBe("hello ada from the edge runtime\n");
    expect(response.bodyChunks.length).toBeGreaterThan(0);
  });

  it("takes params from the path only: a client's nxtP query cannot choose them", async () => {
    const response = await invokeFunctionUrl(handler, viaCloudFront("/hello/J%C3%BCrgen?nxtPname=mallory"));
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe("hello Jürgen from the edge runtime\n");
  });

  it("next/og: its font and WebAssembly come from its own bundle folder (the function's cwd), the PNG streamed", async () => {
    const bundle = join(work, "og-task");
    await cp(join(artifact, og.dir), bundle, { recursive: true, verbatimSymlinks: true });
    await buildSiteEntries(bundle);
    process.chdir(bundle);
    const { handler: ogHandler } = nativeRequire(join(bundle, SERVER_ENTRY_FILE)) as { handler: unknown };
    const response = await invokeFunctionUrl(ogHandler, viaCloudFront("/og?title=Slipway%20on%20Lambda"));
    expect(response.statusCode, response.text.slice(0, 500)).toBe(200);
    expect(response.headers["content-type"]).toBe("image/png");
    expect(response.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(response.body.length).toBeGreaterThan(1000);
    expect(response.bodyChunks.length).toBeGreaterThan(0);
  });
});
