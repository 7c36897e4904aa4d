import type { KMSClientConfig } from "@aws-sdk/client-kms";
import { GetObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { Secrets } from "@slipway/core";
import { SlipwayError } from "@slipway/core/errors";
import { createKmsSecrets } from "../kms/envelope-secrets.ts";

/**
 * A deployment's environment on Lambda. Lambda allows 4 KB of env vars per function, so the
 * Deployer writes the whole environment (the snapshot plus the system variables) as one blob,
 * sealed with KMS like every env var value, and the function's env only says where it is.
 * The server entry loads it once per cold start, before OpenNext's handler is imported.
 */
export interface SnapshotLocation {
  readonly bucket: string;
  readonly key: string;
  /** The KMS key the blob is sealed under. */
  readonly kmsKeyId: string;
}

/**
 * What the blob holds: the variables, and the values to mask in the function's console output
 * (the deployment's secret values, as `deploymentEnv` lists them for the local host).
 */
export interface ServerEnv {
  readonly env: Record<string, string>;
  readonly mask: readonly string[];
}

/** The blob's content: `kms1:` envelope ciphertext of `{ env, mask }` (ServerEnv) as JSON. */
export function sealServerEnv(secrets: Secrets, serverEnv: ServerEnv): Promise<string> {
  return secrets.encrypt(JSON.stringify({ env: serverEnv.env, mask: serverEnv.mask }));
}

export async function loadServerEnv(
  location: SnapshotLocation,
  clients: { s3?: S3ClientConfig; kms?: KMSClientConfig } = {},
): Promise<ServerEnv> {
  const s3 = new S3Client(clients.s3 ?? {});
  let sealed: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    sealed = (await object.Body?.transformToString("utf8")) ?? "";
  } finally {
    s3.destroy();
  }
  const secrets = createKmsSecrets({ keyId: location.kmsKeyId, client: clients.kms ?? {} });
  return openServerEnv(secrets, sealed, location);
}

/** The blob is the platform's, but checked anyway: a malformed one must not half-apply. */
export async function openServerEnv(secrets: Secrets, sealed: string, location: SnapshotLocation): Promise<ServerEnv> {
  const invalid = () =>
    new SlipwayError(
      "INTERNAL",
      `The env snapshot s3://${location.bucket}/${location.key} is not { env: a JSON object of strings, mask: a list of strings }`,
      "Redeploy: the Deployer writes the snapshot again.",
    );
  // A failed decrypt (KMS throttled) is thrown as it is: the entry tries the start again.
  const text = await secrets.decrypt(sealed);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (!isObject(parsed) || !isObject(parsed.env) || !Array.isArray(parsed.mask)) throw invalid();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.env)) {
    if (typeof value !== "string") throw invalid();
    env[key] = value;
  }
  const mask: string[] = [];
  for (const value of parsed.mask) {
    if (typeof value !== "string") throw invalid();
    mask.push(value);
  }
  return { env, mask };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets the snapshot's variables, never one the function's own configuration set (the cache
 * bucket, the origin secret, the runtime's AWS_* names): the platform's settings win. Returns
 * the keys left out.
 */
export function applyServerEnv(env: Record<string, string>, target: NodeJS.ProcessEnv = process.env): string[] {
  const skipped: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (target[key] !== undefined) skipped.push(key);
    else target[key] = value;
  }
  return skipped;
}
