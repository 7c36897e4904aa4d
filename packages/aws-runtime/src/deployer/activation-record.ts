import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { recordKey, type SiteFunctionKey, type SiteFunctionKind } from "./names.ts";

/** What an activation made, written before it makes anything: `deactivate` gets only the id. */
export interface ActivationRecord {
  readonly version: 1;
  readonly siteId: string;
  readonly functions: {
    readonly role: SiteFunctionKind;
    readonly name: string;
    /** Names its code zip (codeKey); absent in records from before edge routes, where it is the role. */
    readonly key?: SiteFunctionKey;
  }[];
  /** Prefixes in the cache bucket seeded from the build (and written to by the running app). */
  readonly cachePrefixes: string[];
}

export async function writeActivationRecord(
  s3: S3Client,
  bucket: string,
  deploymentId: string,
  record: ActivationRecord,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: recordKey(deploymentId),
      Body: JSON.stringify(record),
      ContentType: "application/json",
    }),
  );
}

/** The record, or null when there is none (then activate made nothing). */
export async function readActivationRecord(
  s3: S3Client,
  bucket: string,
  deploymentId: string,
): Promise<ActivationRecord | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: recordKey(deploymentId) }));
    return JSON.parse((await object.Body?.transformToString()) ?? "null") as ActivationRecord | null;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}
