import { runSecretsContract } from "@slipway/core/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mockKms } from "../test-support/fake-kms.ts";
import { createKmsSecrets } from "./envelope-secrets.ts";

// The Secrets contract on KMS envelope encryption, KMS mocked at the SDK with real key wrapping.
let kms: { restore(): void };
beforeAll(() => {
  kms = mockKms();
});
afterAll(() => kms.restore());

const client = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const KEY_A = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-0000-0000-000000000001";
const KEY_B = "arn:aws:kms:us-east-1:111122223333:key/bbbbbbbb-0000-0000-0000-000000000002";

runSecretsContract({
  name: "kms",
  create: async () => createKmsSecrets({ keyId: KEY_A, client }),
  createRotated: async () => ({
    old: createKmsSecrets({ keyId: KEY_A, client }),
    current: createKmsSecrets({ keyId: KEY_B, previousKeyIds: [KEY_A], client }),
    withoutOld: createKmsSecrets({ keyId: KEY_B, client }),
  }),
});

describe("KMS envelope secrets", () => {
  it("stores the data key as KMS wrapped it, never in the clear", async () => {
    const secrets = createKmsSecrets({ keyId: KEY_A, client });
    const ciphertext = await secrets.encrypt("value");
    // The key id is an ARN with colons of its own: the wrapped key is the fourth field from the right.
    const encryptedKey = ciphertext.split(":").at(-4);
    // The wrapped key is longer than a bare 32-byte key (KMS adds its own envelope).
    expect(Buffer.from(encryptedKey ?? "", "base64").length).toBeGreaterThan(32);
    expect(ciphertext.startsWith(`kms1:${KEY_A}:`)).toBe(true);
  });
});
