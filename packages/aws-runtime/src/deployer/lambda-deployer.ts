import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient, type LambdaClientConfig } from "@aws-sdk/client-lambda";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  type ActivationResult,
  type BlobStore,
  type Deployer,
  type Deployment,
  type DeploymentManifest,
  deploymentEnv,
  MANIFEST_FILE,
  type Project,
  parseManifest,
  type Secrets,
  type UrlScheme,
} from "@slipway/core";
import { extractArtifact } from "@slipway/runtime/extract";
import type { DeploymentOrigins, EdgeRouteTable } from "../edge/route-table.ts";
import { previewModeIdKey, recordPreviewModeId } from "../revalidation/preview-mode-id.ts";
import {
  IMAGE_ENTRY_FILE,
  IMAGE_ENTRY_HANDLER,
  SERVER_ENTRY_FILE,
  SERVER_ENTRY_HANDLER,
} from "../server-function/entry-env.ts";
import { sealServerEnv } from "../server-function/env-snapshot.ts";
import { ORIGIN_SECRET_HEADER } from "../server-function/origin-secret.ts";
import { deletePrefix, IMMUTABLE, uploadFolder } from "./bucket-files.ts";
import { checkCodeStorage } from "./code-storage.ts";
import { type FunctionZip, planFunctionZip } from "./function-zip.ts";
import {
  createFunction,
  deleteFunction,
  ensureAlias,
  ensurePublicUrlPermissions,
  ensureUrl,
  ensureVersion,
  functionExists,
  type WaitBounds,
  waitActive,
} from "./lambda-steps.ts";
import {
  assetsPrefix,
  codeKey,
  DEFAULT_SITE_MEMORY_MB,
  envSnapshotKey,
  recordKey,
  type SiteFunctionRole,
  siteFunctionName,
  siteLogGroupName,
} from "./names.ts";
import { cacheKeyPrefix, envTooLarge, type SiteCaches, siteFunctionEnv } from "./site-env.ts";
import { DEFAULT_LOG_RETENTION_DAYS, ensureSiteLogGroup, type LogRetentionDays } from "./site-log-group.ts";

export interface LambdaDeployerOptions {
  /** Where the builder stored the artifacts (`deployment.artifactKey`). */
  readonly blobs: BlobStore;
  readonly lambda: LambdaClientConfig;
  readonly s3: S3ClientConfig;
  /** CloudWatch Logs, for the site's log group (names.ts siteLogGroupName). */
  readonly logs: CloudWatchLogsClientConfig;
  /** How long a site's request log and console output are kept. @default 30 */
  readonly logRetentionDays?: LogRetentionDays;
  /** Bucket for the functions' code zips, the env snapshots and the activation records. */
  readonly codeBucket: string;
  /** Bucket CloudFront serves static files from (`assets/<deploymentId>/…`). */
  readonly assetsBucket: string;
  /** The role every site function runs with (packages/aws SiteFunctions construct). */
  readonly executionRoleArn: string;
  /** The KMS key the server entry unseals its environment with: the one `secrets` encrypts under. */
  readonly kmsKeyArn: string;
  /** Opens core's env snapshot and seals the server's environment (sealServerEnv) for the entry. */
  readonly secrets: Secrets;
  /** For the system variables (SLIPWAY_URL and the rest), as the local host computes them. */
  readonly urls: UrlScheme;
  readonly projects: { get(id: string): Promise<Project | null> };
  /**
   * The folder holding the built site entries (`slipway-lambda.mjs`, `slipway-image-lambda.mjs`,
   * packages/aws-runtime/build.mjs `buildSiteEntries`), copied beside OpenNext's `index.mjs`.
   */
  readonly siteEntriesDir: string;
  /** The value CloudFront sends in the origin-secret header, generated once per platform (or how to read it). */
  readonly originSecret: string | (() => Promise<string>);
  readonly caches: SiteCaches;
  readonly routes: EdgeRouteTable;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** @default 1536 (sharp resizes in memory) */
  readonly imageMemoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** Share of the account's Lambda code storage Slipway may fill. @default 0.8 */
  readonly codeStorageShare?: number;
  /** @default { maxWaitSeconds: 300, minDelaySeconds: 2 } */
  readonly wait?: WaitBounds;
  /** @default 30_000 */
  readonly warmTimeoutMs?: number;
  /** Where an artifact is unpacked while it is zipped and uploaded. @default os.tmpdir() */
  readonly workDir?: string;
}

/** What an activation made, written before it makes anything: `deactivate` gets only the id. */
interface ActivationRecord {
  readonly version: 1;
  readonly siteId: string;
  readonly functions: { readonly role: SiteFunctionRole; readonly name: string }[];
  /** Prefixes in the cache bucket seeded from the build (and written to by the running app). */
  readonly cachePrefixes: string[];
}

/** A failed step, named with the AWS error that failed it (the reason a user reads). */
class StepFailure extends Error {}

async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    const e = error as { name?: string; message?: string };
    throw new StepFailure(`${label} failed: ${e?.name ?? "Error"}: ${e?.message ?? String(error)}`);
  }
}

/**
 * Puts a Slipway entry beside OpenNext's `index.mjs` (which it imports as `./index.mjs`). Whatever
 * the artifact had at that name goes first: the build output is untrusted, and copying onto a
 * link it planted would write through the link.
 */
async function addEntry(entriesDir: string, file: string, functionDir: string): Promise<void> {
  const openNext = await fs.lstat(path.join(functionDir, "index.mjs")).catch(() => null);
  if (!openNext?.isFile()) throw new StepFailure(`the function folder ${path.basename(functionDir)} has no index.mjs`);
  const target = path.join(functionDir, file);
  await fs.rm(target, { recursive: true, force: true });
  await fs.copyFile(path.join(entriesDir, file), target);
}

async function readManifest(root: string): Promise<DeploymentManifest> {
  const file = path.join(root, MANIFEST_FILE);
  const stat = await fs.lstat(file);
  if (!stat.isFile() || stat.size > 16 * 1024 * 1024) throw new StepFailure(`${MANIFEST_FILE} is not a manifest file`);
  return parseManifest(JSON.parse(await fs.readFile(file, "utf8")));
}

/**
 * The folders the build's cache seeds under the site's cache prefix: one per build (OpenNext
 * names it by the build or deployment id), fetch-cache ones under `__fetch/`. The running app writes
 * under the same folders, so removing them on deactivate frees exactly this deployment's cache.
 */
async function cacheSeedPrefixes(cacheDir: string, cacheRoot: string): Promise<string[]> {
  const prefixes: string[] = [];
  for (const entry of await fs.readdir(cacheDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    if (entry.name !== "__fetch") prefixes.push(`${cacheRoot}/${entry.name}`);
    else {
      for (const inner of await fs.readdir(path.join(cacheDir, entry.name)))
        prefixes.push(`${cacheRoot}/__fetch/${inner}`);
    }
  }
  return prefixes;
}

/**
 * The AWS target's Deployer: per deployment one Lambda function for the OpenNext server bundle
 * and one for the image bundle, each published once behind the alias `live` with a public
 * streaming URL that only CloudFront's secret header gets past; static files in the assets
 * bucket; pre-warmed; then its origins put in the edge route table. One function per deployment
 * (not one per site with a version per deployment): parallel preview builds of one site never race
 * on `$LATEST`, and deleting a deployment is deleting its functions.
 */
export function createLambdaDeployer(options: LambdaDeployerOptions): Deployer {
  const lambda = new LambdaClient(options.lambda);
  const s3 = new S3Client(options.s3);
  const logs = new CloudWatchLogsClient(options.logs);
  const wait = options.wait ?? { maxWaitSeconds: 300, minDelaySeconds: 2 };
  const share = options.codeStorageShare ?? 0.8;

  async function readRecord(deploymentId: string): Promise<ActivationRecord | null> {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: options.codeBucket, Key: recordKey(deploymentId) }));
      return JSON.parse((await object.Body?.transformToString()) ?? "null") as ActivationRecord | null;
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async function putText(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async function uploadZip(key: string, zip: FunctionZip): Promise<number> {
    let bytes = 0;
    // Counted on the way through (a "data" listener on the zip itself would start it flowing early).
    const counted = zip.stream.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    zip.stream.once("error", (error) => counted.destroy(error));
    await new Upload({
      client: s3,
      params: { Bucket: options.codeBucket, Key: key, Body: counted, ContentType: "application/zip" },
      leavePartsOnError: false,
    }).done();
    return bytes;
  }

  async function unpack(deployment: Deployment, dir: string): Promise<DeploymentManifest> {
    if (!deployment.artifactKey) throw new StepFailure(`deployment ${deployment.id} has no artifact`);
    const key = deployment.artifactKey;
    const body = await step(`reading ${key} from ${options.blobs.name}`, () => options.blobs.get(key));
    if (!body) throw new StepFailure(`artifact ${key} not found in ${options.blobs.name}`);
    await step(`unpacking ${key}`, () => extractArtifact(body, dir));
    const manifest = await step(`reading the manifest of ${key}`, () => readManifest(dir));
    if (manifest.deploymentId !== deployment.id) {
      throw new StepFailure(`artifact manifest is for deployment ${manifest.deploymentId}, not ${deployment.id}`);
    }
    if (manifest.functions.length > 0) {
      throw new StepFailure(
        `the artifact has edge-runtime routes (${manifest.functions.map((f) => f.name).join(", ")}), ` +
          "which the AWS target does not deploy yet; use the Node.js runtime for them",
      );
    }
    return manifest;
  }

  async function activate(deployment: Deployment): Promise<ActivationResult> {
    const dir = await fs.mkdtemp(path.join(options.workDir ?? os.tmpdir(), `slipway-lambda-${deployment.id}-`));
    try {
      const siteId = deployment.projectId;
      // Checked first: a configuration that cannot fit fails before any download.
      const originSecret = await step("reading the origin secret", () =>
        typeof options.originSecret === "string" ? Promise.resolve(options.originSecret) : options.originSecret(),
      );
      const env = siteFunctionEnv({
        siteId,
        envBucket: options.codeBucket,
        envKey: envSnapshotKey(deployment.id),
        kmsKeyArn: options.kmsKeyArn,
        originSecret,
        caches: options.caches,
      });
      const tooLarge = envTooLarge(env);
      if (tooLarge) throw new StepFailure(tooLarge);
      const manifest = await unpack(deployment, dir);
      // OpenNext's index.mjs stays as built; Lambda runs Slipway's entry, which wraps it.
      const bundles: {
        role: SiteFunctionRole;
        dir: string;
        file: string;
        handler: string;
        invokeMode: "RESPONSE_STREAM" | "BUFFERED";
        memory: number;
      }[] = [
        {
          role: "server",
          dir: manifest.server.dir,
          file: SERVER_ENTRY_FILE,
          handler: SERVER_ENTRY_HANDLER,
          invokeMode: "RESPONSE_STREAM",
          memory: options.memoryMb ?? DEFAULT_SITE_MEMORY_MB.server,
        },
      ];
      if (manifest.image) {
        bundles.push({
          role: "image",
          dir: manifest.image.dir,
          file: IMAGE_ENTRY_FILE,
          handler: IMAGE_ENTRY_HANDLER,
          invokeMode: "BUFFERED",
          memory: options.imageMemoryMb ?? DEFAULT_SITE_MEMORY_MB.image,
        });
      }
      const functions = bundles.map((b) => ({ ...b, name: siteFunctionName(siteId, deployment.id, b.role) }));
      const cacheRoot = cacheKeyPrefix(siteId).replace(/\/$/, "");
      const record: ActivationRecord = {
        version: 1,
        siteId,
        functions: functions.map((f) => ({ role: f.role, name: f.name })),
        cachePrefixes: await cacheSeedPrefixes(path.join(dir, manifest.cache.dir), cacheRoot),
      };
      await step("writing the activation record", () =>
        putText(options.codeBucket, recordKey(deployment.id), JSON.stringify(record), "application/json"),
      );

      // The environment the local host gives a deployment (its variables plus the system ones),
      // sealed as one blob the server entry loads at cold start.
      const sealed = await step("sealing the server environment", async () => {
        const project = await options.projects.get(siteId);
        if (!project) throw new StepFailure(`project ${siteId} of deployment ${deployment.id} not found`);
        const { env: serverEnv } = await deploymentEnv(options, project, deployment);
        return sealServerEnv(options.secrets, serverEnv);
      });
      await step("storing the server environment", () =>
        putText(options.codeBucket, envSnapshotKey(deployment.id), sealed, "text/plain"),
      );
      // For the platform's revalidator, which serves every site and so cannot read it from a bundle.
      await step("recording the preview mode id", () =>
        recordPreviewModeId(options.blobs, deployment.id, path.join(dir, manifest.server.dir)),
      );

      // Zip and upload only what does not exist yet: a redelivery reuses the functions it made.
      const missing: (typeof functions)[number][] = [];
      for (const fn of functions) {
        if (!(await step(`GetFunction ${fn.name}`, () => functionExists(lambda, fn.name)))) missing.push(fn);
      }
      let zippedBytes = 0;
      let largestUnzipped = 0;
      for (const fn of missing) {
        await step(`adding ${fn.file} to the ${fn.role} code`, () =>
          addEntry(options.siteEntriesDir, fn.file, path.join(dir, fn.dir)),
        );
        const plan = await planFunctionZip(path.join(dir, fn.dir), fn.role);
        if (!plan.ok) throw new StepFailure(plan.reason);
        const zip = plan.zip();
        largestUnzipped = Math.max(largestUnzipped, zip.unzippedBytes);
        zippedBytes += await step(`uploading the ${fn.role} code`, () =>
          uploadZip(codeKey(deployment.id, fn.role), zip),
        );
      }
      if (missing.length > 0) {
        const refused = await step("GetAccountSettings", () =>
          checkCodeStorage(lambda, { newZippedBytes: zippedBytes, largestUnzippedBytes: largestUnzipped, share }),
        );
        if (refused) throw new StepFailure(refused);
      }
      const logGroup = siteLogGroupName(siteId);
      if (missing.length > 0) {
        await step(`CreateLogGroup ${logGroup}`, () =>
          ensureSiteLogGroup(logs, {
            name: logGroup,
            siteId,
            retentionDays: options.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
          }),
        );
      }
      for (const fn of missing) {
        await step(`CreateFunction ${fn.name}`, () =>
          createFunction(lambda, {
            FunctionName: fn.name,
            Runtime: "nodejs22.x",
            // The builder builds on x86_64 (sharp's native binary is for it).
            Architectures: ["x86_64"],
            Role: options.executionRoleArn,
            Handler: fn.handler,
            Code: { S3Bucket: options.codeBucket, S3Key: codeKey(deployment.id, fn.role) },
            MemorySize: fn.memory,
            Timeout: options.timeoutSeconds ?? 30,
            Environment: { Variables: env },
            // Text: the entry's request line reaches the log as written (request-log.ts).
            LoggingConfig: { LogGroup: logGroup, LogFormat: "Text" },
            Tags: { "slipway:site": siteId, "slipway:deployment": deployment.id },
            Description: `Slipway ${fn.role} of deployment ${deployment.id} (site ${siteId})`,
          }),
        );
      }

      const assetsDir = path.join(dir, manifest.assets.dir);
      // CloudFront compresses on its own; the builder's .br/.gz siblings would only be clutter.
      const precompressed = new Set(manifest.assets.precompressed.flatMap((f) => [`${f}.br`, `${f}.gz`]));
      await step("uploading the static files", () =>
        uploadFolder({
          client: s3,
          bucket: options.assetsBucket,
          prefix: assetsPrefix(deployment.id),
          dir: assetsDir,
          skip: (rel) => precompressed.has(rel),
          cacheControl: IMMUTABLE,
        }),
      );
      // The prerendered pages, where OpenNext's S3 cache looks for them (prefix/BUILD_ID/key).
      await step("seeding the ISR cache", () =>
        uploadFolder({
          client: s3,
          bucket: options.caches.bucket,
          prefix: cacheRoot,
          dir: path.join(dir, manifest.cache.dir),
        }),
      );

      const urls: Partial<Record<SiteFunctionRole, string>> = {};
      for (const fn of functions) {
        await step(`waiting for ${fn.name} to be Active`, () => waitActive(lambda, fn.name, wait));
        const version = await step(`PublishVersion ${fn.name}`, () => ensureVersion(lambda, fn.name, wait));
        await step(`CreateAlias ${fn.name}:live`, () => ensureAlias(lambda, fn.name, version));
        urls[fn.role] = await step(`CreateFunctionUrlConfig ${fn.name}:live`, () =>
          ensureUrl(lambda, fn.name, fn.invokeMode),
        );
        await step(`AddPermission ${fn.name}:live`, () => ensurePublicUrlPermissions(lambda, fn.name));
      }
      const serverUrl = urls.server as string;
      const warm = await prewarm(serverUrl, originSecret, options.warmTimeoutMs ?? 30_000);
      if (!warm.ok) throw new StepFailure(warm.reason);
      const origins: DeploymentOrigins = {
        server: new URL(serverUrl).host,
        image: urls.image ? new URL(urls.image).host : null,
        assets: assetsPrefix(deployment.id),
      };
      await step("putting the deployment in the edge route table", () =>
        options.routes.putDeployment(deployment.id, origins),
      );
      return { ok: true, warmMs: warm.ms };
    } catch (error) {
      // Everything made so far is in the record: a retry finishes it, deactivate removes it.
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  async function deactivate(deploymentId: string): Promise<void> {
    const record = await readRecord(deploymentId);
    // The record is written before anything else: without it, activate made nothing.
    if (!record) return;
    await options.routes.deleteDeployment(deploymentId);
    for (const fn of record.functions) {
      await deleteFunction(lambda, fn.name);
      await s3.send(new DeleteObjectCommand({ Bucket: options.codeBucket, Key: codeKey(deploymentId, fn.role) }));
    }
    await s3.send(new DeleteObjectCommand({ Bucket: options.codeBucket, Key: envSnapshotKey(deploymentId) }));
    await options.blobs.delete(previewModeIdKey(deploymentId));
    await deletePrefix(s3, options.assetsBucket, assetsPrefix(deploymentId));
    for (const prefix of record.cachePrefixes) await deletePrefix(s3, options.caches.bucket, prefix);
    // Last: while anything above remains, a repeated deactivate can still find it.
    await s3.send(new DeleteObjectCommand({ Bucket: options.codeBucket, Key: recordKey(deploymentId) }));
  }

  return { name: "aws-lambda", activate, deactivate };
}

/** One request to the new server through its URL, as CloudFront sends it (with the secret header). */
async function prewarm(
  url: string,
  secret: string,
  timeoutMs: number,
): Promise<{ ok: true; ms: number } | { ok: false; reason: string }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      headers: { [ORIGIN_SECRET_HEADER]: secret },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    const ms = Math.round(performance.now() - started);
    if (response.status >= 500 || response.status === 403) {
      return { ok: false, reason: `pre-warm request to ${url} answered ${response.status} after ${ms} ms` };
    }
    return { ok: true, ms };
  } catch (error) {
    return { ok: false, reason: `pre-warm request to ${url} failed: ${(error as Error).message}` };
  }
}
