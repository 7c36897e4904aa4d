import { RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { ABORT_INCOMPLETE_UPLOADS, expireAfter, SECURE_BUCKET } from "./bucket-defaults.ts";
import { requireIntegerIn } from "./invalid-prop.ts";

export interface EdgeBucketsProps {
  /** Where these buckets' own S3 server access logs go (the control plane's access-log bucket). */
  readonly serverAccessLogs: s3.IBucket;
  /**
   * Days the CloudFront access logs are kept.
   * @default 90
   */
  readonly logDays?: number;
  /**
   * What happens to the buckets when the stack is removed (CloudFormation deletes only empty ones).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The edge's two buckets. `assets`: every deployment's static files under `assets/<deploymentId>/`,
 * read by CloudFront only (through Origin Access Control, see `Edge`). A bucket of its own rather
 * than the artifacts bucket: it holds nothing but files meant to be public, so a routing mistake
 * cannot serve a build artifact, and it is SSE-S3, so CloudFront needs no grant on the KMS key
 * that also encrypts secrets. `logs`: the distributions' standard access logs, which CloudFront
 * delivers with an object ACL, so (unlike the control plane's access-log bucket, which forbids
 * ACLs) it has ACLs enabled with the bucket owner owning every object.
 */
export class EdgeBuckets extends Construct {
  readonly assets: s3.Bucket;
  readonly logs: s3.Bucket;

  constructor(scope: Construct, id: string, props: EdgeBucketsProps) {
    super(scope, id);
    const logDays = requireIntegerIn("EdgeBuckets", "logDays", props.logDays ?? 90, 1, 3650);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const abortUploads = ABORT_INCOMPLETE_UPLOADS;
    const common = {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: props.serverAccessLogs,
      removalPolicy,
    } as const;
    this.assets = new s3.Bucket(this, "Assets", {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsPrefix: "assets/",
      lifecycleRules: [abortUploads],
    });
    this.logs = new s3.Bucket(this, "Logs", {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsPrefix: "edge-logs/",
      lifecycleRules: [abortUploads, expireAfter("expire-edge-logs", logDays)],
    });
  }
}
