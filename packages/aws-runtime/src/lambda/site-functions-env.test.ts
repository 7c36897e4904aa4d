import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { parseControlPlaneEnv } from "./env.ts";
import { originSecretFromSecretsManager } from "./origin-secret.ts";
import { parseSiteFunctionsEnv, SITE_FUNCTIONS_ENV } from "./site-functions-env.ts";

const SITES = {
  [SITE_FUNCTIONS_ENV.roleArn]: "arn:aws:iam::123456789012:role/site",
  [SITE_FUNCTIONS_ENV.originSecretArn]: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin",
  [SITE_FUNCTIONS_ENV.assetsBucket]: "assets",
  [SITE_FUNCTIONS_ENV.cacheTable]: "tags",
  [SITE_FUNCTIONS_ENV.revalidationQueueUrl]: "https://sqs.eu-west-1.amazonaws.com/123456789012/r.fifo",
  AWS_REGION: "eu-west-1",
};

describe("parseSiteFunctionsEnv", () => {
  it("reads the set, with the function's region", () => {
    expect(parseSiteFunctionsEnv(SITES)).toEqual({
      roleArn: SITES[SITE_FUNCTIONS_ENV.roleArn],
      originSecretArn: SITES[SITE_FUNCTIONS_ENV.originSecretArn],
      assetsBucket: "assets",
      cacheTable: "tags",
      revalidationQueueUrl: SITES[SITE_FUNCTIONS_ENV.revalidationQueueUrl],
      region: "eu-west-1",
    });
  });

  it("is null until every piece is set (a stack without the edge yet still builds)", () => {
    expect(parseSiteFunctionsEnv({})).toBeNull();
    expect(parseSiteFunctionsEnv({ ...SITES, [SITE_FUNCTIONS_ENV.assetsBucket]: "" })).toBeNull();
  });

  it("only the steps function reads it", () => {
    const base = {
      SLIPWAY_TABLE_NAME: "t",
      SLIPWAY_ARTIFACTS_BUCKET: "a",
      SLIPWAY_CACHES_BUCKET: "c",
      SLIPWAY_STEPS_QUEUE_URL: "q",
      SLIPWAY_KMS_KEY_ARN: "k",
      SLIPWAY_BUILD_PROJECT: "b",
      SLIPWAY_BUILD_LOG_GROUP: "l",
      SLIPWAY_ADMIN_TOKEN_SECRET_ARN: "s",
      ...SITES,
    };
    expect(parseControlPlaneEnv(base, "steps").sites?.assetsBucket).toBe("assets");
    expect(parseControlPlaneEnv(base, "api").sites).toBeNull();
  });
});

describe("originSecretFromSecretsManager", () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());

  it("reads the secret once and keeps it", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "s".repeat(48) });
    const read = originSecretFromSecretsManager("arn:origin");
    expect(await read()).toBe("s".repeat(48));
    expect(await read()).toBe("s".repeat(48));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("refuses a value too short to be a secret, naming the secret, and tries again next time", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "short" })
      .resolves({ SecretString: "s".repeat(48) });
    const read = originSecretFromSecretsManager("arn:origin");
    await expect(read()).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: "The origin secret arn:origin holds 5 characters, too few to be a secret.",
    });
    expect(await read()).toBe("s".repeat(48));
  });
});
