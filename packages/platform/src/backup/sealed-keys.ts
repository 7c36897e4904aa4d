import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { SlipwayError } from "@slipway/core";
import { z } from "zod";

/**
 * Key material in a backup, sealed with a passphrase: scrypt derives a 256-bit key (N = 2^15,
 * r = 8: ~32 MB and ~0.1 s, costly for anyone guessing offline), AES-256-GCM encrypts and
 * authenticates. The parameters travel with the ciphertext so a later Slipway can raise them and
 * still open an old backup.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Binds the ciphertext to its purpose: a sealed blob from elsewhere does not open as keys. */
const AAD = Buffer.from("slipway-backup-keys-v1");
export const MIN_PASSPHRASE_LENGTH = 12;

const sealedSchema = z.object({
  kdf: z.object({
    name: z.literal("scrypt"),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.string(),
  }),
  cipher: z.literal("aes-256-gcm"),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

/** Path below the data dir → file content. */
export type KeyFiles = Record<string, Buffer>;

export function checkPassphrase(passphrase: string, source: string): string {
  const trimmed = passphrase.replace(/\r?\n$/, "");
  if (trimmed.length < MIN_PASSPHRASE_LENGTH) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `The backup passphrase from ${source} has ${trimmed.length} characters; at least ${MIN_PASSPHRASE_LENGTH} are needed.`,
      "Use a long random passphrase (e.g. `openssl rand -base64 24`) and keep it apart from the backup.",
    );
  }
  return trimmed;
}

export async function sealKeys(files: KeyFiles, passphrase: string): Promise<Buffer> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, SCRYPT);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(AAD);
  const plain = Buffer.from(
    JSON.stringify(Object.fromEntries(Object.entries(files).map(([path, data]) => [path, data.toString("base64")]))),
  );
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const sealed = {
    kdf: { name: "scrypt", ...SCRYPT, salt: salt.toString("base64") },
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  } satisfies z.infer<typeof sealedSchema>;
  return Buffer.from(`${JSON.stringify(sealed)}\n`);
}

export async function openKeys(sealed: Buffer, passphrase: string): Promise<KeyFiles> {
  let parsed: z.infer<typeof sealedSchema>;
  try {
    parsed = sealedSchema.parse(JSON.parse(sealed.toString("utf8")));
  } catch {
    throw new SlipwayError(
      "BACKUP_INVALID",
      "keys.enc in the backup is not a sealed key file.",
      "The archive is damaged.",
    );
  }
  const { N, r, p, salt } = parsed.kdf;
  const key = await deriveKey(passphrase, Buffer.from(salt, "base64"), { N, r, p });
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parsed.iv, "base64")).setAAD(AAD);
    decipher.setAuthTag(Buffer.from(parsed.tag, "base64"));
    plain = Buffer.concat([decipher.update(Buffer.from(parsed.data, "base64")), decipher.final()]);
  } catch {
    // keys.enc's checksum matched, so the bytes are the ones written: the passphrase is not theirs.
    throw new SlipwayError(
      "BACKUP_KEY_WRONG",
      "The passphrase does not open keys.enc in the backup.",
      "Give the passphrase the backup was made with (--passphrase-file or SLIPWAY_BACKUP_PASSPHRASE).",
    );
  }
  const files = z.record(z.string(), z.string()).parse(JSON.parse(plain.toString("utf8")));
  return Object.fromEntries(Object.entries(files).map(([path, data]) => [path, Buffer.from(data, "base64")]));
}

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { ...params, maxmem: 256 * params.N * params.r * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
