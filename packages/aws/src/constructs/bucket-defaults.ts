import { Duration } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";

/** What every Slipway bucket has, the control plane's and the edge's: no public access, TLS 1.2+ only. */
export const SECURE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const;

/** Multipart uploads left behind (a killed upload) are aborted after a day, so they cost nothing. */
export const ABORT_INCOMPLETE_UPLOADS: s3.LifecycleRule = {
  id: "abort-incomplete-uploads",
  abortIncompleteMultipartUploadAfter: Duration.days(1),
};

/** A lifecycle rule `id` that deletes every object `days` after it was written. */
export function expireAfter(id: string, days: number): s3.LifecycleRule {
  return { id, expiration: Duration.days(days) };
}
