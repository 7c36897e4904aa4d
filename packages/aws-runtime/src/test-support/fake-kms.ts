import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";

/** What GenerateDataKey and Decrypt take and give, as the SDK types them (the parts used here). */
interface DataKeyInput {
  KeyId?: string;
  EncryptionContext?: Record<string, string>;
}
interface DecryptInput extends DataKeyInput {
  CiphertextBlob?: Uint8Array;
}

const fail = (name: string) => Object.assign(new Error(name), { name });

/**
 * A KMS keyring: GenerateDataKey and Decrypt with real AES-GCM key wrapping per key id, bound to
 * the encryption context, so a tampered or foreign data key fails as it would on KMS
 * (InvalidCiphertextException / IncorrectKeyException). Shared by the SDK mock and the HTTP fake.
 */
function kmsKeyring() {
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
  return {
    generateDataKey(input: DataKeyInput) {
      const keyId = String(input.KeyId);
      const dataKey = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", master(keyId), iv);
      cipher.setAAD(context(input.EncryptionContext));
      const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      const blob = Buffer.concat([Buffer.from(keyId), Buffer.from([0]), iv, cipher.getAuthTag(), wrapped]);
      return { KeyId: keyId, Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array(blob) };
    },
    decrypt(input: DecryptInput) {
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
    },
  };
}

/** KMS at the SDK (aws-sdk-client-mock): every KMSClient in the process is mocked until `restore`. */
export function mockKms(): { restore(): void } {
  const keyring = kmsKeyring();
  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake((input) => keyring.generateDataKey(input));
  kms.on(DecryptCommand).callsFake((input) => keyring.decrypt(input));
  return { restore: () => kms.restore() };
}

/**
 * The same keyring behind KMS's JSON protocol on a local port, for code the SDK mock cannot
 * reach (a bundle with its own copy of the SDK): point it there with `AWS_ENDPOINT_URL_KMS`.
 * Counts the Decrypt calls, so a test can tell a cold start from a warm one.
 */
export async function startFakeKmsServer(): Promise<{ endpoint: string; decrypts(): number; stop(): Promise<void> }> {
  const keyring = kmsKeyring();
  let decrypts = 0;
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        const target = String(req.headers["x-amz-target"] ?? "");
        if (target === "TrentService.GenerateDataKey") {
          const out = keyring.generateDataKey(input);
          return reply(200, {
            KeyId: out.KeyId,
            Plaintext: b64(out.Plaintext),
            CiphertextBlob: b64(out.CiphertextBlob),
          });
        }
        if (target === "TrentService.Decrypt") {
          decrypts++;
          const out = keyring.decrypt({
            ...input,
            CiphertextBlob: Buffer.from(String(input.CiphertextBlob), "base64"),
          });
          return reply(200, { KeyId: out.KeyId, Plaintext: b64(out.Plaintext) });
        }
        reply(400, { __type: "UnknownOperationException", message: target });
      } catch (error) {
        reply(400, { __type: (error as Error).name, message: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    decrypts: () => decrypts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
