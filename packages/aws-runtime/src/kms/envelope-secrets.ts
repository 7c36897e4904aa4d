import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import type { Secrets } from "@slipway/core";
import { SlipwayError } from "@slipway/core/errors";

export interface KmsSecretsOptions {
  /** The KMS key new values are sealed under (id, ARN or alias ARN). */
  readonly keyId: string;
  /** Keys older values may be sealed under, still accepted for decryption until re-sealed. @default [] */
  readonly previousKeyIds?: readonly string[];
  /** The SDK client's config (region, credentials). */
  readonly client: KMSClientConfig;
}

const VERSION = "kms1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds every data key to its use: KMS refuses to decrypt it for anything else (and logs the context). */
const ENCRYPTION_CONTEXT = { purpose: "slipway-env-var" };

interface Sealed {
  keyId: string;
  encryptedKey: Buffer;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

// `kms1:<keyId>:<encrypted data key>:<iv>:<tag>:<data>`. A key ARN has colons of its own, so the
// four base64 fields are taken from the right and the key id is what lies between.
function format(s: Sealed): string {
  return [VERSION, s.keyId, b64(s.encryptedKey), b64(s.iv), b64(s.tag), b64(s.data)].join(":");
}

function parse(ciphertext: string): Sealed {
  const parts = ciphertext.split(":");
  const fields = parts.slice(-4);
  const keyId = parts.slice(1, -4).join(":");
  const strictBase64 = (s: string | undefined) =>
    s !== undefined && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64") : null;
  const [encryptedKey, iv, tag, data] = fields.map(strictBase64);
  if (
    parts[0] !== VERSION ||
    parts.length < 6 ||
    keyId === "" ||
    !encryptedKey?.length ||
    iv?.length !== IV_BYTES ||
    tag?.length !== TAG_BYTES ||
    !data
  ) {
    throw new SlipwayError(
      "INTERNAL",
      `Not a Slipway KMS ciphertext (starts with ${JSON.stringify(ciphertext.slice(0, 12))})`,
      "Env var values on AWS are stored as kms1:<keyId>:<key>:<iv>:<tag>:<data>; this one was altered or written by something else.",
    );
  }
  return { keyId, encryptedKey, iv, tag, data };
}

/** What the local AES-GCM also authenticates: the key id and the encrypted data key. */
const aad = (keyId: string, encryptedKey: Buffer) => Buffer.from(`${VERSION}:${keyId}:${b64(encryptedKey)}`);

/**
 * Envelope encryption: each value gets a fresh AES-256 data key from KMS (GenerateDataKey), is
 * sealed locally with AES-256-GCM, and is stored with the data key as KMS encrypted it. Only KMS
 * can unwrap that key (Decrypt), so the table alone reveals nothing, and every unwrap is in CloudTrail.
 */
export function createKmsSecrets(options: KmsSecretsOptions): Secrets {
  const client = new KMSClient(options.client);
  const known = new Set([options.keyId, ...(options.previousKeyIds ?? [])]);

  return {
    name: "kms",
    currentKeyId: () => options.keyId,
    async encrypt(plaintext) {
      const { Plaintext, CiphertextBlob } = await client.send(
        new GenerateDataKeyCommand({ KeyId: options.keyId, KeySpec: "AES_256", EncryptionContext: ENCRYPTION_CONTEXT }),
      );
      if (!Plaintext || !CiphertextBlob) throw new Error(`KMS returned no data key for ${options.keyId}`);
      const dataKey = Buffer.from(Plaintext);
      const encryptedKey = Buffer.from(CiphertextBlob);
      try {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
        cipher.setAAD(aad(options.keyId, encryptedKey));
        const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
        return format({ keyId: options.keyId, encryptedKey, iv, tag: cipher.getAuthTag(), data });
      } finally {
        dataKey.fill(0);
      }
    },
    async decrypt(ciphertext) {
      const sealed = parse(ciphertext);
      if (!known.has(sealed.keyId)) {
        throw new SlipwayError(
          "INTERNAL",
          `Ciphertext was sealed under KMS key ${sealed.keyId}, which this installation does not use (known: ${[...known].join(", ")})`,
          "Add the previous key to the Secrets configuration so the value can be decrypted and re-sealed.",
        );
      }
      let dataKey: Buffer;
      try {
        const { Plaintext } = await client.send(
          new DecryptCommand({
            CiphertextBlob: sealed.encryptedKey,
            KeyId: sealed.keyId,
            EncryptionContext: ENCRYPTION_CONTEXT,
          }),
        );
        if (!Plaintext) throw new Error("no plaintext");
        dataKey = Buffer.from(Plaintext);
      } catch (error) {
        const name = (error as { name?: string }).name ?? "";
        if (name !== "InvalidCiphertextException" && name !== "IncorrectKeyException" && name !== "Error") throw error;
        throw new SlipwayError(
          "INTERNAL",
          `KMS refused the data key of a ciphertext sealed under ${sealed.keyId} (${name})`,
          "The stored value was altered or corrupted; set the variable again.",
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", dataKey, sealed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(sealed.keyId, sealed.encryptedKey));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.data), decipher.final()]).toString("utf8");
      } catch {
        throw new SlipwayError(
          "INTERNAL",
          `Ciphertext sealed under KMS key ${sealed.keyId} failed authentication`,
          "The stored value was altered or corrupted; set the variable again.",
        );
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
