import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { ABORT_INCOMPLETE_UPLOADS, expireAfter, SECURE_BUCKET } from "./bucket-defaults.ts";
import { requireIntegerIn } from "./invalid-prop.ts";

/**
 * The object tag the retention job puts on an artifact no alias points to any more; S3 deletes
 * tagged artifacts after `unaliasedArtifactDays`. Untagging (a rollback target kept) cancels it.
 */
export const UNALIASED_TAG = { key: "slipway-unaliased", value: "true" } as const;

export interface BucketsProps {
  /** Encrypts artifacts and caches (SSE-KMS with S3 Bucket Keys, so KMS requests stay few). */
  readonly encryptionKey: kms.IKey;
  /**
   * Days an artifact tagged `slipway-unaliased=true` is kept before S3 deletes it.
   * @default 7
   */
  readonly unaliasedArtifactDays?: number;
  /**
   * Days a build cache object lives after it was written (the next build writes a fresh one).
   * @default 30
   */
  readonly cacheDays?: number;
  /**
   * Days the S3 server access logs are kept.
   * @default 90
   */
  readonly accessLogDays?: number;
  /**
   * What happens to the buckets when the stack is removed. CloudFormation deletes only empty
   * buckets: `slipway aws destroy` empties them first when asked to remove data.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The control plane's objects: `artifacts` (each deployment's build output, what the deployer
 * publishes), `caches` (per-project build caches CodeBuild restores), and `accessLogs` (server
 * access logs of both). Every bucket blocks public access, refuses plain HTTP, owns its objects
 * (no ACLs) and aborts multipart uploads left behind.
 */
export class Buckets extends Construct {
  readonly artifacts: s3.Bucket;
  readonly caches: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    const unaliasedDays = requireIntegerIn(
      "Buckets",
      "unaliasedArtifactDays",
      props.unaliasedArtifactDays ?? 7,
      1,
      3650,
    );
    const cacheDays = requireIntegerIn("Buckets", "cacheDays", props.cacheDays ?? 30, 1, 3650);
    const accessLogDays = requireIntegerIn("Buckets", "accessLogDays", props.accessLogDays ?? 90, 1, 3650);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const abortUploads = ABORT_INCOMPLETE_UPLOADS;
    const common = { ...SECURE_BUCKET, objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED } as const;

    // Server access logs only support SSE-S3 on the target bucket, not SSE-KMS.
    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [abortUploads, expireAfter("expire-access-logs", accessLogDays)],
      removalPolicy,
    });
    const kmsEncryption = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
    } as const;
    this.artifacts = new s3.Bucket(this, "Artifacts", {
      ...common,
      ...kmsEncryption,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "artifacts/",
      lifecycleRules: [
        abortUploads,
        {
          id: "expire-unaliased-artifacts",
          tagFilters: { [UNALIASED_TAG.key]: UNALIASED_TAG.value },
          expiration: Duration.days(unaliasedDays),
        },
        // Versioning guards against an overwrite by mistake; old versions are not kept for long.
        { id: "expire-old-versions", noncurrentVersionExpiration: Duration.days(7), expiredObjectDeleteMarker: true },
        // An archive PUT for the two-step upload but never deployed (the CLI stopped between the steps).
        { id: "expire-staged-uploads", prefix: "uploads/", expiration: Duration.days(1) },
      ],
      removalPolicy,
    });
    this.caches = new s3.Bucket(this, "Caches", {
      ...common,
      ...kmsEncryption,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "caches/",
      lifecycleRules: [abortUploads, expireAfter("expire-caches", cacheDays)],
      removalPolicy,
    });
  }
}
