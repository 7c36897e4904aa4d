import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient, type LambdaClientConfig } from "@aws-sdk/client-lambda";
import { DeleteObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import {
  type ActivationResult,
  type BlobStore,
  type Deployer,
  type Deployment,
  deploymentEnv,
  type Project,
  type Secrets,
  type UrlScheme,
} from "@slipway/core";
import type { DeploymentOrigins, EdgeRouteTable } from "../edge/route-table.ts";
import { previewModeIdKey, recordPreviewModeId } from "../revalidation/preview-mode-id.ts";
import { sealServerEnv } from "../server-function/env-snapshot.ts";
import { type ActivationRecord, readActivationRecord, writeActivationRecord } from "./activation-record.ts";
import { deletePrefix, IMMUTABLE, uploadFolder } from "./bucket-files.ts";
import { checkEdgeRoutesFit, edgeRouteOrigins } from "./edge-routes.ts";
import { stageMissingCode } from "./function-code.ts";
import { createFunction, deleteFunction, type WaitBounds } from "./lambda-steps.ts";
import {
  assetsPrefix,
  codeKey,
  DEFAULT_SITE_MEMORY_MB,
  envSnapshotKey,
  recordKey,
  type SiteFunctionKey,
  type SiteFunctionRole,
  siteLogGroupName,
} from "./names.ts";
import { prewarm } from "./prewarm.ts";
import { publishLive } from "./publish-function.ts";
import { cacheKeyPrefix, envTooLarge, imageFunctionEnv, type SiteCaches, siteFunctionEnv } from "./site-env.ts";
import { createFunctionInput, planSiteFunctions } from "./site-function-plan.ts";
import { DEFAULT_LOG_RETENTION_DAYS, ensureSiteLogGroup, type LogRetentionDays } from "./site-log-group.ts";
import { StepFailure, step } from "./step.ts";
import { cacheSeedPrefixes, unpackArtifact } from "./unpack-artifact.ts";
import { warmPathOf } from "./warm-path.ts";

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

  async function putText(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async function activate(deployment: Deployment): Promise<ActivationResult> {
    const dir = await fs.mkdtemp(path.join(options.workDir ?? os.tmpdir(), `slipway-lambda-${deployment.id}-`));
    try {
      const siteId = deployment.projectId;
      // Checked first: a configuration that cannot fit fails before any download.
      const originSecret = await step("reading the origin secret", () =>
        typeof options.originSecret === "string" ? Promise.resolve(options.originSecret) : options.originSecret(),
      );
      const envs: Record<SiteFunctionRole, Record<string, string>> = {
        server: siteFunctionEnv({
          siteId,
          envBucket: options.codeBucket,
          envKey: envSnapshotKey(deployment.id),
          kmsKeyArn: options.kmsKeyArn,
          originSecret,
          caches: options.caches,
        }),
        image: imageFunctionEnv({
          originSecret,
          assetsBucket: options.assetsBucket,
          assetsPrefix: assetsPrefix(deployment.id),
        }),
      };
      for (const [role, env] of Object.entries(envs)) {
        const tooLarge = envTooLarge(env);
        if (tooLarge) throw new StepFailure(`the ${role} function: ${tooLarge}`);
      }
      const manifest = await unpackArtifact(options.blobs, deployment, dir);
      const functions = planSiteFunctions(
        manifest,
        { siteId, deploymentId: deployment.id },
        {
          server: options.memoryMb ?? DEFAULT_SITE_MEMORY_MB.server,
          image: options.imageMemoryMb ?? DEFAULT_SITE_MEMORY_MB.image,
        },
      );
      // Before anything is made: edge routes the route table could not hold fail the activation here.
      await step("checking the edge routes fit the route table", async () =>
        checkEdgeRoutesFit(deployment.id, functions),
      );
      const cacheRoot = cacheKeyPrefix(siteId).replace(/\/$/, "");
      const record: ActivationRecord = {
        version: 1,
        siteId,
        functions: functions.map((f) => ({ role: f.role, name: f.name, key: f.key })),
        cachePrefixes: await cacheSeedPrefixes(path.join(dir, manifest.cache.dir), cacheRoot),
      };
      await step("writing the activation record", () =>
        writeActivationRecord(s3, options.codeBucket, deployment.id, record),
      );

      // The environment the local host gives a deployment (its variables plus the system ones)
      // and the values it masks, sealed as one blob the server entry loads at cold start.
      const sealed = await step("sealing the server environment", async () => {
        const project = await options.projects.get(siteId);
        if (!project) throw new StepFailure(`project ${siteId} of deployment ${deployment.id} not found`);
        // With the secret values, so the entry masks them in what the app prints (as the local host does).
        return sealServerEnv(options.secrets, await deploymentEnv(options, project, deployment));
      });
      await step("storing the server environment", () =>
        putText(options.codeBucket, envSnapshotKey(deployment.id), sealed, "text/plain"),
      );
      // For the platform's revalidator, which serves every site and so cannot read it from a bundle.
      await step("recording the preview mode id", () =>
        recordPreviewModeId(options.blobs, deployment.id, path.join(dir, manifest.server.dir)),
      );

      const missing = await stageMissingCode(
        {
          lambda,
          s3,
          codeBucket: options.codeBucket,
          deploymentId: deployment.id,
          artifactDir: dir,
          siteEntriesDir: options.siteEntriesDir,
          share,
        },
        functions,
      );
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
        const input = createFunctionInput(fn, {
          logGroup,
          siteId,
          deploymentId: deployment.id,
          codeBucket: options.codeBucket,
          executionRoleArn: options.executionRoleArn,
          timeoutSeconds: options.timeoutSeconds ?? 30,
          // An edge route runs behind the server entry, with the server's environment.
          env: envs[fn.role === "edge" ? "server" : fn.role],
        });
        await step(`CreateFunction ${fn.name}`, () => createFunction(lambda, input));
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

      const urls: Partial<Record<SiteFunctionKey, string>> = {};
      for (const fn of functions) urls[fn.key] = await publishLive(lambda, fn, wait);
      const serverUrl = urls.server as string;
      const warmTimeoutMs = options.warmTimeoutMs ?? 30_000;
      const warm = await prewarm(serverUrl, originSecret, warmTimeoutMs);
      if (!warm.ok) throw new StepFailure(warm.reason);
      // Each edge route's function too, at a path of its route, before any request can reach it.
      const edgeWarms = await Promise.all(
        functions.flatMap((fn) => {
          const url = urls[fn.key];
          const target = fn.role === "edge" && fn.paths[0] !== undefined ? warmPathOf(fn.paths[0]) : null;
          if (url === undefined || target === null) return [];
          return [prewarm(new URL(target.path, url).href, originSecret, warmTimeoutMs, !target.madeUp)];
        }),
      );
      for (const edgeWarm of edgeWarms) if (!edgeWarm.ok) throw new StepFailure(edgeWarm.reason);
      const origins: DeploymentOrigins = {
        server: new URL(serverUrl).host,
        image: urls.image ? new URL(urls.image).host : null,
        assets: assetsPrefix(deployment.id),
        ...edgeRouteOrigins(functions, urls),
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
    const record = await readActivationRecord(s3, options.codeBucket, deploymentId);
    // The record is written before anything else: without it, activate made nothing.
    if (!record) return;
    await options.routes.deleteDeployment(deploymentId);
    for (const fn of record.functions) {
      await deleteFunction(lambda, fn.name);
      // A record from before edge routes has no key: its role (server or image) named the zip.
      const key = fn.key ?? (fn.role as SiteFunctionRole);
      await s3.send(new DeleteObjectCommand({ Bucket: options.codeBucket, Key: codeKey(deploymentId, key) }));
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
