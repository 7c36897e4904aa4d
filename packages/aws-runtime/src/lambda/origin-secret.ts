import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { SlipwayError } from "@slipway/core/errors";

/** Shorter than this, the secret is not the 48-character value the stack generates. */
const MIN_SECRET_LENGTH = 32;

/**
 * The origin secret, read from Secrets Manager on first use and kept for the life of the
 * function (the value never sits in the template or the steps function's configuration). A failed
 * read is not kept: the next activation tries again.
 */
export function originSecretFromSecretsManager(
  secretArn: string,
  client: SecretsManagerClientConfig = {},
): () => Promise<string> {
  let value: Promise<string> | null = null;
  const read = async () => {
    const secrets = new SecretsManagerClient(client);
    try {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      const secret = SecretString?.trim() ?? "";
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new SlipwayError(
          "INVALID_CONFIG",
          `The origin secret ${secretArn} holds ${secret.length} characters, too few to be a secret.`,
          "Let the stack generate it (slipway aws deploy), or put a random value of 40+ characters in it.",
        );
      }
      return secret;
    } finally {
      secrets.destroy();
    }
  };
  return () => {
    value ??= read().catch((error: unknown) => {
      value = null;
      throw error;
    });
    return value;
  };
}
