import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SlipwayError } from "@slipway/core/errors";

/**
 * The first admin token, read from the secret the stack generated, with the deploying user's own
 * credentials (it is never a stack output, so it is not in CloudFormation's records).
 */
export async function readAdminToken(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const token = SecretString?.trim() ?? "";
  if (token.length < 32 || /\s/.test(token)) {
    throw new SlipwayError(
      "INTERNAL",
      `The admin token secret ${secretArn} does not hold a token (${token.length} characters).`,
      "The stack generates it at deploy time: deploy again, or put a token of 32+ characters in it.",
    );
  }
  return token;
}
