import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { hashToken } from "@slipway/api";
import { goodEntries, rawTar } from "@slipway/api/test-support";
import * as aws from "@slipway/aws";
import { ADMIN_TOKEN_SCOPE, newId } from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "../context.ts";
import { startTestApi, type TestApi } from "../test-support/api-server.ts";
import { type FakeToolkitScript, fakeToolkit, type ToolkitCall } from "../test-support/fake-toolkit.ts";
import { runAwsDeploy } from "./aws-deploy.ts";
import { runAwsDestroy } from "./aws-destroy.ts";
import type { AwsOps } from "./aws-ops.ts";
import { runAwsUpgrade } from "./aws-upgrade.ts";

// The aws commands with the CDK toolkit replaced at our boundary (a recorded fake of the methods
// we call) and Secrets Manager and S3 mocked at the SDK: AWS cannot run here. The API the deploy
// logs in to is the real one on loopback.

const ADMIN_TOKEN = "a".repeat(24) + "B".repeat(24);
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:SlipwayAdminToken-abc";
const TEST_CONFIG = { region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } };
const secrets = mockClient(SecretsManagerClient);
const s3 = mockClient(S3Client);
let api: TestApi;
let dir: string;
let bundlesDir: string;

beforeAll(async () => {
  api = await startTestApi();
  await api.deps.store.tokens.create({
    id: "aws-admin",
    name: "aws admin",
    tokenHash: hashToken(ADMIN_TOKEN),
    createdAt: new Date().toISOString(),
    ...ADMIN_TOKEN_SCOPE,
  });
  dir = await mkdtemp(join(tmpdir(), "slipway-aws-ops-"));
  bundlesDir = join(dir, "bundles");
  aws.writeUnbundledEntries(bundlesDir);
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  secrets.reset();
  s3.reset();
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: ADMIN_TOKEN });
});

function outputs(): Record<string, string> {
  return {
    ApiUrl: `${api.url}/`,
    AdminTokenSecretArn: SECRET_ARN,
    AlarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
    ArtifactsBucketName: "slipway-artifacts",
    CachesBucketName: "slipway-caches",
    AccessLogsBucketName: "slipway-access-logs",
  };
}

interface Run {
  code: number | null;
  error: unknown;
  stdout: string;
  stderr: string;
  calls: ToolkitCall[];
  targets: aws.AwsTarget[];
  configHome: string;
  /** The dashboard artifacts "built" (a small archive that passes the API's checks). */
  dashboardBuilds: string[];
}

async function run(
  command: typeof runAwsDeploy,
  values: Record<string, unknown>,
  options: { script?: FakeToolkitScript; json?: boolean; stdin?: string; tty?: boolean } = {},
): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  if (options.tty) Object.assign(stdin, { isTTY: true });
  const configHome = await mkdtemp(join(dir, "config-"));
  const calls: ToolkitCall[] = [];
  const targets: aws.AwsTarget[] = [];
  const dashboardBuilds: string[] = [];
  const ops: AwsOps = {
    aws,
    toolkit(target, progress) {
      targets.push(target);
      return fakeToolkit(options.script ?? { outputs: outputs() }, progress, calls).toolkit;
    },
    // Static test credentials: the commands resolve them before anything else (no AWS call).
    clients: () => ({ secrets: new SecretsManagerClient(TEST_CONFIG), s3: new S3Client(TEST_CONFIG) }),
    async dashboardArtifact(log) {
      const deploymentId = newId();
      dashboardBuilds.push(deploymentId);
      log("dashboard build log line");
      return { deploymentId, repo: "https://github.com/acme/slipway.git", archive: rawTar(goodEntries(deploymentId)) };
    },
  };
  const ctx: CommandContext = {
    stdout,
    stderr,
    stdin,
    env: { XDG_CONFIG_HOME: configHome, HOME: configHome },
    json: options.json ?? false,
    api: () => Promise.reject(new Error("the aws commands do not use the stored API")),
    print: (line) => stdout.write(`${line}\n`),
    printJson: (value) => stdout.write(`${JSON.stringify(value)}\n`),
  };
  let code: number | null = null;
  let error: unknown = null;
  try {
    code = await command(ctx, values, async () => ops);
  } catch (e) {
    error = e;
  }
  stdout.end();
  stderr.end();
  return {
    code,
    error,
    stdout: await text(stdout),
    stderr: await text(stderr),
    calls,
    targets,
    configHome,
    dashboardBuilds,
  };
}

/** The stack's template as the recorded toolkit call would have deployed it (synthesized here). */
async function synthesizedTemplate(calls: ToolkitCall[], outdir: string, at = 0) {
  return Object.values((await synthesizedStack(calls, outdir, at)).Resources);
}

/** The assembly the command deployed (the last one built before `deploy`). */
const deployedAt = (calls: ToolkitCall[]) =>
  calls
    .slice(
      0,
      calls.findIndex((c) => c.method === "deploy"),
    )
    .filter((c) => c.method === "fromAssemblyBuilder").length - 1;

/** The whole template of the `at`-th assembly the command built (-1: the last, the one deployed). */
async function synthesizedStack(calls: ToolkitCall[], outdir: string, at = 0) {
  const call = calls.filter((c) => c.method === "fromAssemblyBuilder").at(at);
  if (call?.method !== "fromAssemblyBuilder") throw new Error("no assembly builder");
  const assembly = (await call.builder({ outdir, env: {} })) as unknown as {
    getStackByName(name: string): {
      template: {
        Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
        Outputs: Record<string, { Value: unknown }>;
      };
    };
  };
  return assembly.getStackByName("Slipway").template;
}

const methods = (calls: ToolkitCall[]) => calls.map((c) => c.method);
/** `destroy --remove-data` without edge flags: a diff (for the recorded edge), the redeploy, the destroy. */
const REMOVE_DATA_CALLS = [
  "fromAssemblyBuilder",
  "diff",
  "fromAssemblyBuilder",
  "deploy",
  "fromAssemblyBuilder",
  "destroy",
];
const onlySlipway = { strategy: "pattern-must-match-single", patterns: ["Slipway"] };

describe("slipway aws deploy", () => {
  it("deploys the stack line by line, reads the admin token from Secrets Manager and logs the CLI in", async () => {
    const result = await run(
      runAwsDeploy,
      { region: "eu-west-1", profile: "prod", bundles: bundlesDir },
      { script: { outputs: outputs(), events: ["Slipway | CREATE_COMPLETE | AWS::DynamoDB::Table | DataTable"] } },
    );
    expect(result.error).toBeNull();
    expect(result.code).toBe(0);
    expect(result.targets).toEqual([{ region: "eu-west-1", profile: "prod" }]);
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "deploy"]);
    expect(result.calls[1]).toEqual({ method: "deploy", stacks: onlySlipway });
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("Deploying the Slipway control plane with profile prod in eu-west-1…");
    expect(lines).toContain("Slipway | CREATE_COMPLETE | AWS::DynamoDB::Table | DataTable");
    expect(result.stdout).toContain(`Slipway API: ${api.url}`);
    expect(result.stdout).not.toContain(ADMIN_TOKEN);
    const saved = JSON.parse(await readFile(join(result.configHome, "slipway", "credentials.json"), "utf8"));
    expect(saved).toEqual({ url: api.url, token: ADMIN_TOKEN });
  });

  it("with --json prints one document and no progress, never the token", async () => {
    const result = await run(
      runAwsDeploy,
      {
        region: "eu-west-1",
        bundles: bundlesDir,
        "sites-domain": "sites.example.com",
        "certificate-arn": CERTIFICATE_ARN,
      },
      { json: true, script: { outputs: outputs(), events: ["Slipway | CREATE_IN_PROGRESS"] } },
    );
    expect(result.error).toBeNull();
    expect(JSON.parse(result.stdout)).toEqual({
      region: "eu-west-1",
      profile: null,
      apiUrl: api.url,
      dashboard: {
        url: "https://slipway.sites.example.com",
        deploymentId: result.dashboardBuilds[0],
        status: "queued",
      },
      adminTokenSecretArn: SECRET_ARN,
      credentials: join(result.configHome, "slipway", "credentials.json"),
    });
  });

  it("with --sites-domain deploys the dashboard as the reserved project's next production deployment", async () => {
    const first = await run(runAwsDeploy, {
      region: "eu-west-1",
      bundles: bundlesDir,
      "sites-domain": "sites.example.com",
      "certificate-arn": CERTIFICATE_ARN,
    });
    expect(first.error).toBeNull();
    const [id] = first.dashboardBuilds;
    expect(first.stdout).toContain("Building the dashboard to serve at https://slipway.sites.example.com…");
    expect(first.stdout).toContain("dashboard build log line");
    expect(first.stdout).toContain(`Dashboard: https://slipway.sites.example.com (deployment ${id} queued;`);
    const project = await api.deps.store.projects.getByName("slipway");
    expect(project?.repoUrl).toBe("https://github.com/acme/slipway.git");
    expect(await api.deps.store.deployments.get(id as string)).toMatchObject({
      projectId: project?.id,
      environment: "production",
      trigger: "artifact",
      artifactKey: `artifacts/${id}.tar`,
    });
    expect(await api.deps.blobs.head(`artifacts/${id}.tar`)).not.toBeNull();
    // This API's store hands out no upload URLs (as local): the archive goes in the request itself.
    const artifactPath = "/api/v1/projects/slipway/deployments/artifact";
    expect(api.requests().filter((r) => r.includes(artifactPath))).toEqual(
      expect.arrayContaining([`POST ${artifactPath}/uploads`, `POST ${artifactPath}`]),
    );

    // Again (a redeploy): the project stays, the dashboard is a new immutable deployment.
    const again = await run(runAwsDeploy, {
      region: "eu-west-1",
      bundles: bundlesDir,
      "sites-domain": "sites.example.com",
      "certificate-arn": CERTIFICATE_ARN,
    });
    expect(again.error).toBeNull();
    const [next] = again.dashboardBuilds;
    expect(next).not.toBe(id);
    expect(await api.deps.store.deployments.get(next as string)).toMatchObject({ projectId: project?.id });
  });

  it("with --sites-domain, where the API's store hands out upload URLs (S3), PUTs the archive there and has the API deploy it", async () => {
    // On AWS the archive (13 MB) cannot pass API Gateway (10 MB) nor Lambda (6 MB): it goes to the bucket.
    const bucketApi = await startTestApi({ bucketUploads: true });
    try {
      await bucketApi.deps.store.tokens.create({
        id: "aws-admin",
        name: "aws admin",
        tokenHash: hashToken(ADMIN_TOKEN),
        createdAt: new Date().toISOString(),
        ...ADMIN_TOKEN_SCOPE,
      });
      const result = await run(
        runAwsDeploy,
        {
          region: "eu-west-1",
          bundles: bundlesDir,
          "sites-domain": "sites.example.com",
          "certificate-arn": CERTIFICATE_ARN,
        },
        { script: { outputs: { ...outputs(), ApiUrl: `${bucketApi.url}/` } } },
      );
      expect(result.error).toBeNull();
      const [id] = result.dashboardBuilds;
      expect(await bucketApi.deps.store.deployments.get(id as string)).toMatchObject({
        environment: "production",
        trigger: "artifact",
        artifactKey: `artifacts/${id}.tar`,
      });
      expect(await bucketApi.deps.blobs.head(`artifacts/${id}.tar`)).not.toBeNull();
      const artifactPath = "/api/v1/projects/slipway/deployments/artifact";
      const steps = bucketApi.requests().filter((r) => r.includes("/artifact") || r.includes("/__bucket/"));
      const uploadId = /^PUT \/__bucket\/uploads\/([0-9a-z]+)\.tar$/.exec(steps[1] ?? "")?.[1];
      expect(steps).toEqual([
        `POST ${artifactPath}/uploads`,
        `PUT /__bucket/uploads/${uploadId}.tar`,
        `POST ${artifactPath}/uploads/${uploadId}`,
      ]);
      // The staged archive is gone once deployed.
      expect(await bucketApi.deps.blobs.list("uploads/")).toEqual([]);
    } finally {
      await bucketApi.close();
    }
  });

  it("without a sites domain builds no dashboard and says it needs one", async () => {
    const result = await run(runAwsDeploy, { region: "eu-west-1", bundles: bundlesDir });
    expect(result.error).toBeNull();
    expect(result.dashboardBuilds).toEqual([]);
    expect(result.stdout).toContain(
      "Dashboard: none without a sites domain; rerun with --sites-domain D to serve it at https://slipway.D.",
    );
  });

  it("bootstraps first only when asked", async () => {
    const result = await run(runAwsDeploy, { region: "eu-west-1", bundles: bundlesDir, bootstrap: true });
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "bootstrap", "deploy"]);
  });

  it("turns refused credentials into an error naming the profile and the region, and saves nothing", async () => {
    const error = Object.assign(new Error("The security token included in the request is expired"), {
      name: "ExpiredToken",
    });
    const result = await run(
      runAwsDeploy,
      { region: "eu-west-1", profile: "prod", bundles: bundlesDir },
      { script: { failWith: { method: "deploy", error } } },
    );
    expect(result.error).toMatchObject({
      code: "AWS_CREDENTIALS",
      message: expect.stringContaining("profile prod in eu-west-1"),
      hint: expect.stringContaining("--profile prod"),
    });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    await expect(readFile(join(result.configHome, "slipway", "credentials.json"))).rejects.toThrow(/ENOENT/);
  });

  it("says to bootstrap when the environment is not", async () => {
    const error = new Error(
      "SSM parameter /cdk-bootstrap/hnb659fds/version not found. Has the environment been bootstrapped?",
    );
    const result = await run(
      runAwsDeploy,
      { region: "eu-west-1", bundles: bundlesDir },
      { script: { failWith: { method: "deploy", error } } },
    );
    expect(result.error).toMatchObject({ code: "AWS_NOT_BOOTSTRAPPED", hint: expect.stringContaining("--bootstrap") });
  });

  it("with --sites-domain and a certificate puts the edge in the stack: two distributions running aws-runtime's function", async () => {
    const result = await run(runAwsDeploy, {
      region: "eu-west-1",
      bundles: bundlesDir,
      "sites-domain": "sites.example.com",
      "certificate-arn": CERTIFICATE_ARN,
    });
    expect(result.error).toBeNull();
    const resources = await synthesizedTemplate(result.calls, join(dir, "cdk-edge-deploy"));
    expect(resources.filter((r) => r.Type === "AWS::CloudFront::Distribution")).toHaveLength(2);
    const shipped = await readFile(aws.DEFAULT_VIEWER_REQUEST_FILE, "utf8");
    expect(resources.find((r) => r.Type === "AWS::CloudFront::Function")?.Properties?.FunctionCode).toBe(shipped);
  }, 120_000);

  it("refuses a sites domain without a certificate, and a certificate without a sites domain, before calling AWS", async () => {
    const bare = await run(runAwsDeploy, {
      region: "eu-west-1",
      bundles: bundlesDir,
      "sites-domain": "sites.example.com",
    });
    expect(bare.error).toMatchObject({
      code: "INVALID_INPUT",
      message: "--sites-domain sites.example.com needs --certificate-arn ARN or --hosted-zone ID:NAME.",
    });
    const orphan = await run(runAwsDeploy, { region: "eu-west-1", "hosted-zone": "Z0123456789ABC:example.com" });
    expect(orphan.error).toMatchObject({ code: "INVALID_INPUT", message: "--hosted-zone needs --sites-domain." });
    expect([...bare.targets, ...orphan.targets]).toEqual([]);
  });

  it("refuses a region that is not one, and a bundles directory without the outbox, before calling AWS", async () => {
    const bad = await run(runAwsDeploy, { region: "Europe", bundles: bundlesDir });
    expect(bad.error).toMatchObject({ code: "USAGE", message: expect.stringContaining('"Europe"') });
    expect(bad.targets).toEqual([]);
    const missing = await run(runAwsDeploy, { region: "eu-west-1", bundles: join(dir, "nowhere") });
    expect(missing.error).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining("api/index.mjs") });
    expect(missing.calls).toEqual([]);
  });
});

describe("slipway aws destroy", () => {
  it("refuses without --keep-data or --remove-data when stdin is not a terminal, touching nothing", async () => {
    const result = await run(runAwsDestroy, { region: "eu-west-1" });
    expect(result.error).toMatchObject({
      code: "CONFIRMATION_REQUIRED",
      hint: expect.stringContaining("--keep-data"),
    });
    expect(result.targets).toEqual([]);
  });

  it("refuses both flags at once", async () => {
    const result = await run(runAwsDestroy, { region: "eu-west-1", "keep-data": true, "remove-data": true });
    expect(result.error).toMatchObject({ code: "USAGE" });
  });

  it("--keep-data destroys the stack only: the retained table and buckets stay, S3 is not touched", async () => {
    const result = await run(runAwsDestroy, { region: "eu-west-1", "keep-data": true }, { json: true });
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "destroy"]);
    expect(result.calls[1]).toEqual({ method: "destroy", stacks: onlySlipway });
    expect(s3.calls()).toHaveLength(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ removed: true, dataRemoved: false });
  });

  it("--remove-data makes the data deletable, empties every bucket (all versions, every page), then destroys", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    s3.on(ListObjectVersionsCommand, { Bucket: "slipway-artifacts" })
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: "k2",
        NextVersionIdMarker: "v2",
        Versions: [{ Key: "k1", VersionId: "v1" }],
        DeleteMarkers: [{ Key: "k0", VersionId: "m1" }],
      })
      .resolvesOnce({ IsTruncated: false, Versions: [{ Key: "k2", VersionId: "v2" }] });
    s3.on(DeleteObjectsCommand).resolves({});
    const result = await run(runAwsDestroy, { region: "eu-west-1", "remove-data": true }, { json: true });
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(REMOVE_DATA_CALLS);
    const lists = s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(lists.map((l) => [l.Bucket, l.KeyMarker])).toEqual([
      ["slipway-artifacts", undefined],
      ["slipway-artifacts", "k2"],
      ["slipway-caches", undefined],
      ["slipway-access-logs", undefined],
    ]);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects)).toEqual([
      [
        { Key: "k1", VersionId: "v1" },
        { Key: "k0", VersionId: "m1" },
      ],
      [{ Key: "k2", VersionId: "v2" }],
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ dataRemoved: true, emptied: { "slipway-artifacts": 3 } });
  });

  it("--remove-data empties the edge's assets and logs buckets too (versions and delete markers) when the stack has an edge", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    s3.on(ListObjectVersionsCommand, { Bucket: "slipway-edge-assets" }).resolves({
      IsTruncated: false,
      Versions: [{ Key: "assets/d1/_next/static/a.js", VersionId: "v1" }],
      DeleteMarkers: [{ Key: "assets/d0/_next/static/b.js", VersionId: "m1" }],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: "slipway-edge-logs" }).resolves({
      IsTruncated: false,
      Versions: [{ Key: "platform/E1.2026-12-01-00.gz", VersionId: "null" }],
    });
    s3.on(DeleteObjectsCommand).resolves({});
    const withEdge = { ...outputs(), EdgeAssetsBucket: "slipway-edge-assets", EdgeLogsBucket: "slipway-edge-logs" };
    const result = await run(
      runAwsDestroy,
      { region: "eu-west-1", "remove-data": true },
      { json: true, script: { outputs: withEdge } },
    );
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(REMOVE_DATA_CALLS);
    expect(s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Bucket)).toEqual([
      "slipway-artifacts",
      "slipway-caches",
      "slipway-access-logs",
      "slipway-edge-assets",
      "slipway-edge-logs",
    ]);
    const deletes = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(deletes.map((d) => [d.Bucket, d.Delete?.Objects])).toEqual([
      [
        "slipway-edge-assets",
        [
          { Key: "assets/d1/_next/static/a.js", VersionId: "v1" },
          { Key: "assets/d0/_next/static/b.js", VersionId: "m1" },
        ],
      ],
      ["slipway-edge-logs", [{ Key: "platform/E1.2026-12-01-00.gz", VersionId: "null" }]],
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      emptied: { "slipway-edge-assets": 2, "slipway-edge-logs": 1, "slipway-artifacts": 0 },
    });
  });

  it("with the edge flags, the redeploy before a data removal keeps the edge, its buckets deletable", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    const result = await run(runAwsDestroy, {
      region: "eu-west-1",
      "remove-data": true,
      "sites-domain": "sites.example.com",
      "certificate-arn": CERTIFICATE_ARN,
    });
    const resources = await synthesizedTemplate(result.calls, join(dir, "cdk-remove-edge"), deployedAt(result.calls));
    expect(resources.filter((r) => r.Type === "AWS::CloudFront::Distribution")).toHaveLength(2);
    expect(new Set(resources.filter((r) => r.Type === "AWS::S3::Bucket").map((r) => r.DeletionPolicy))).toEqual(
      new Set(["Delete"]),
    );
  }, 120_000);

  it("without edge flags, the redeploy before a data removal keeps the edge the stack recorded", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    const recorded = { sitesDomain: "sites.example.com", certificateArn: CERTIFICATE_ARN };
    const result = await run(
      runAwsDestroy,
      { region: "eu-west-1", "remove-data": true },
      {
        script: {
          diff: {
            permissionsBroadened: false,
            changes: [],
            droppedOutputs: { EdgeFlags: aws.edgeFlagsValue(recorded) },
          },
          outputs: outputs(),
        },
      },
    );
    expect(result.error).toBeNull();
    expect(result.stdout).toContain(
      `The stack's edge (--sites-domain sites.example.com --certificate-arn ${CERTIFICATE_ARN}) goes too`,
    );
    const resources = await synthesizedTemplate(
      result.calls,
      join(dir, "cdk-remove-recorded-edge"),
      deployedAt(result.calls),
    );
    expect(resources.filter((r) => r.Type === "AWS::CloudFront::Distribution")).toHaveLength(2);
  }, 120_000);

  it("the redeploy before a data removal has a deletable table and buckets, and the key kept", async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    const result = await run(runAwsDestroy, { region: "eu-west-1", "remove-data": true });
    const resources = await synthesizedTemplate(result.calls, join(dir, "cdk-remove"), deployedAt(result.calls));
    const policyOf = (type: string) => resources.filter((r) => r.Type === type).map((r) => r.DeletionPolicy);
    // The control plane's table and OpenNext's tag cache table.
    expect(policyOf("AWS::DynamoDB::Table")).toEqual(["Delete", "Delete"]);
    expect(new Set(policyOf("AWS::S3::Bucket"))).toEqual(new Set(["Delete"]));
    expect(policyOf("AWS::KMS::Key")).toEqual(["Retain"]);
  }, 120_000);

  it("asks at a terminal: keep keeps the data, anything else removes nothing", async () => {
    const keep = await run(runAwsDestroy, { region: "eu-west-1" }, { tty: true, stdin: "keep\n" });
    expect(keep.error).toBeNull();
    expect(keep.stderr).toContain("Type keep to keep the data");
    expect(methods(keep.calls)).toEqual(["fromAssemblyBuilder", "destroy"]);
    const no = await run(runAwsDestroy, { region: "eu-west-1" }, { tty: true, stdin: "hmm\n" });
    expect(no.code).toBe(1);
    expect(no.calls).toEqual([]);
  });
});

describe("slipway aws upgrade", () => {
  const diff = {
    permissionsBroadened: true,
    changes: [
      ["OutboxHandler", "AWS::Lambda::Function", "WILL_CREATE"],
      ["ApiHandler", "AWS::Lambda::Function", "WILL_UPDATE"],
      ["DataTable", "AWS::DynamoDB::Table", "WILL_REPLACE"],
    ] as Array<[string, string, string]>,
  };

  it("shows the changes first and, without --yes and a terminal, deploys nothing", async () => {
    const result = await run(runAwsUpgrade, { region: "eu-west-1", bundles: bundlesDir }, { script: { diff } });
    expect(result.error).toMatchObject({ code: "CONFIRMATION_REQUIRED" });
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "diff"]);
    expect(result.calls[1]).toEqual({ method: "diff", stacks: onlySlipway });
    expect(result.stdout.split("\n").slice(0, 5)).toEqual([
      "1 to add, 1 to update, 1 to replace, 0 to remove.",
      "  replace (new physical resource): DataTable (AWS::DynamoDB::Table)",
      "  add: OutboxHandler (AWS::Lambda::Function)",
      "  update: ApiHandler (AWS::Lambda::Function)",
      "Permissions are broadened (IAM or resource policies grant more).",
    ]);
    expect(result.stdout).toContain("Warning: replacing DataTable (AWS::DynamoDB::Table) loses what it holds.");
  });

  it("refuses, even with --yes, an upgrade without the edge flags that would remove the edge's distributions", async () => {
    const withoutEdge = {
      permissionsBroadened: false,
      changes: [
        ["ApiHandler", "AWS::Lambda::Function", "WILL_UPDATE"],
        ["EdgePlatformDistribution", "AWS::CloudFront::Distribution", "WILL_DESTROY"],
      ] as Array<[string, string, string]>,
    };
    const result = await run(
      runAwsUpgrade,
      { region: "eu-west-1", bundles: bundlesDir, yes: true },
      { script: { diff: withoutEdge, outputs: outputs() } },
    );
    expect(result.error).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("EdgePlatformDistribution (AWS::CloudFront::Distribution)"),
    });
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "diff"]);
  });

  it("without edge flags keeps the edge the stack was deployed with (its EdgeFlags output), dashboard included", async () => {
    const deployed = { sitesDomain: "sites.example.com", certificateArn: CERTIFICATE_ARN };
    const update: [string, string, string] = ["ApiHandler", "AWS::Lambda::Function", "WILL_UPDATE"];
    const result = await run(
      runAwsUpgrade,
      { region: "eu-west-1", bundles: bundlesDir, yes: true },
      {
        script: {
          diff: [
            {
              permissionsBroadened: false,
              changes: [update, ["EdgePlatformDistribution", "AWS::CloudFront::Distribution", "WILL_DESTROY"]],
              droppedOutputs: { EdgeFlags: aws.edgeFlagsValue(deployed) },
            },
            { permissionsBroadened: false, changes: [update] },
          ],
          outputs: outputs(),
        },
      },
    );
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual([
      "fromAssemblyBuilder",
      "diff",
      "fromAssemblyBuilder",
      "diff",
      "fromAssemblyBuilder",
      "deploy",
    ]);
    expect(result.stdout).toContain(
      `Keeping the edge the stack was deployed with: --sites-domain sites.example.com --certificate-arn ${CERTIFICATE_ARN}`,
    );
    expect(result.stdout).toContain("Dashboard: https://slipway.sites.example.com");
    // What is deployed has the edge, and keeps the same flags for the upgrade after it.
    const template = await synthesizedStack(result.calls, join(dir, "cdk-upgrade-keeps-edge"), -1);
    expect(Object.values(template.Resources).filter((r) => r.Type === "AWS::CloudFront::Distribution")).toHaveLength(2);
    expect(aws.edgeFlagsFrom(template.Outputs.EdgeFlags?.Value as string)).toEqual(deployed);
  }, 120_000);

  it("with --yes deploys after the diff", async () => {
    const result = await run(
      runAwsUpgrade,
      { region: "eu-west-1", bundles: bundlesDir, yes: true },
      { json: true, script: { diff, outputs: outputs() } },
    );
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "diff", "fromAssemblyBuilder", "deploy"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ upgraded: true, apiUrl: api.url, dashboard: null });
    expect(result.stderr).toContain("1 to add, 1 to update, 1 to replace");
  });

  it("with --sites-domain deploys the dashboard again after the stack: a new deployment, the old one kept for rollback", async () => {
    const before = await run(runAwsDeploy, {
      region: "eu-west-1",
      bundles: bundlesDir,
      "sites-domain": "sites.example.com",
      "certificate-arn": CERTIFICATE_ARN,
    });
    const result = await run(
      runAwsUpgrade,
      {
        region: "eu-west-1",
        bundles: bundlesDir,
        yes: true,
        "sites-domain": "sites.example.com",
        "certificate-arn": CERTIFICATE_ARN,
      },
      { script: { diff, outputs: outputs() } },
    );
    expect(result.error).toBeNull();
    const [id] = result.dashboardBuilds;
    expect(result.stdout).toContain(`Dashboard: https://slipway.sites.example.com (deployment ${id} queued)`);
    const project = await api.deps.store.projects.getByName("slipway");
    const ids = (await api.deps.store.deployments.listByProject(project?.id as string, { limit: 50 })).map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining([before.dashboardBuilds[0], id]));
  });

  it("deploys nothing when nothing changed", async () => {
    const result = await run(runAwsUpgrade, { region: "eu-west-1", bundles: bundlesDir, yes: true });
    expect(result.error).toBeNull();
    expect(methods(result.calls)).toEqual(["fromAssemblyBuilder", "diff"]);
    expect(result.stdout).toContain("No changes");
  });
});
