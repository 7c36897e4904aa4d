import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { AwsTarget } from "./aws-target.ts";

/** The SDK clients the aws commands use besides the toolkit, on the target's profile and region. */
export interface OpsClients {
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
}

export function opsClients(target: AwsTarget): OpsClients {
  const config = { region: target.region, ...(target.profile ? { profile: target.profile } : {}) };
  return { secrets: new SecretsManagerClient(config), s3: new S3Client(config) };
}

/**
 * Resolves the target's credentials the way every call will (profile files, environment, SSO
 * cache) without calling AWS: a missing profile or expired SSO session is named in a second,
 * before the toolkit spends a minute synthesizing.
 */
export async function checkCredentials(clients: OpsClients): Promise<void> {
  await clients.secrets.config.credentials();
}
