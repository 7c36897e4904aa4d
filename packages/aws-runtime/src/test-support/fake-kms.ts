import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";

/**
 * KMS at the SDK (aws-sdk-client-mock): GenerateDataKey and Decrypt with real AES-GCM key
 * wrapping per key id, bound to the encryption context, so a tampered or foreign data key fails
 * as it would on KMS (InvalidCiphertextException / IncorrectKeyException). Every KMSClient in
 * the process is mocked until `restore`.
 */
export function mockKms(): { restore(): void } {
  const masters = new Map<string, Buffer>();
  const master = (keyId: string) => {
    let key = masters.get(keyId);
    if (!key) {
      key = randomBytes(32);
      masters.set(keyId, key);
    }
    return key;
  };
  const context = (c: Record<string, string> | undefined) => Buffer.from(JSON.stringify(c ?? {}));
  const fail = (name: string) => Object.assign(new Error(name), { name });

  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake((input) => {
    const keyId = String(input.KeyId);
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", master(keyId), iv);
    cipher.setAAD(context(input.EncryptionContext));
    const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    const blob = Buffer.concat([Buffer.from(keyId), Buffer.from([0]), iv, cipher.getAuthTag(), wrapped]);
    return { KeyId: keyId, Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array(blob) };
  });
  kms.on(DecryptCommand).callsFake((input) => {
    const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array());
    const split = blob.indexOf(0);
    if (split <= 0 || blob.length < split + 1 + 12 + 16 + 32) throw fail("InvalidCiphertextException");
    const keyId = blob.subarray(0, split).toString();
    if (input.KeyId !== undefined && input.KeyId !== keyId) throw fail("IncorrectKeyException");
    const key = masters.get(keyId);
    if (!key) throw fail("InvalidCiphertextException");
    const body = blob.subarray(split + 1);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, body.subarray(0, 12), { authTagLength: 16 });
      decipher.setAAD(context(input.EncryptionContext));
      decipher.setAuthTag(body.subarray(12, 28));
      const dataKey = Buffer.concat([decipher.update(body.subarray(28)), decipher.final()]);
      return { KeyId: keyId, Plaintext: new Uint8Array(dataKey) };
    } catch {
      throw fail("InvalidCiphertextException");
    }
  });
  return { restore: () => kms.restore() };
}
