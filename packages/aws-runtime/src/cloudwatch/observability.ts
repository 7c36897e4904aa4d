import { ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { TelemetryApi } from "@slipway/api";
import { assetsPrefix } from "../deployer/names.ts";
import { type CloudWatchTelemetryOptions, createCloudWatchTelemetryReader } from "./telemetry-reader.ts";

export interface AwsObservabilityOptions extends CloudWatchTelemetryOptions {
  /** The edge's assets bucket (`assets/<deployment>/…`); without an edge no site has files. */
  readonly assetsBucket: string | null;
  readonly s3: S3ClientConfig;
}

/**
 * FilterLogEvents allows a few calls a second per account and region, shared by every tail open
 * at once: a tail on AWS polls every 2 s (lines reach CloudWatch seconds late anyway).
 */
export const AWS_TAIL_POLL_MS = 2000;

/**
 * What the API's observability routes read on AWS: the CloudWatch reader, and the size of the
 * site's static files in the assets bucket (S3's share of the usage projection). Nothing is queued
 * before storage (Lambda ships each function's stdout itself), so nothing is dropped there.
 */
export function awsObservability(options: AwsObservabilityOptions): TelemetryApi {
  const s3 = new S3Client(options.s3);
  const maxDeployments = options.maxDeployments ?? 50;

  async function storageOf(projectId: string, sinceMs: number) {
    let bytes = 0;
    let uploads = 0;
    if (!options.assetsBucket) return { bytes, uploads };
    for (const deployment of await options.deployments.listByProject(projectId, { limit: maxDeployments })) {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: options.assetsBucket,
            Prefix: `${assetsPrefix(deployment.id)}/`,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const object of page.Contents ?? []) {
          bytes += object.Size ?? 0;
          if (Date.parse(deployment.createdAt) >= sinceMs) uploads += 1;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return { bytes, uploads };
  }

  return {
    store: createCloudWatchTelemetryReader(options),
    storageOf,
    droppedBeforeStorage: () => 0,
    tailPollMs: AWS_TAIL_POLL_MS,
  };
}
