import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Secrets } from "@slipway/core";
import { SlipwayError } from "@slipway/core";
import { aadFor, formatSealed, IV_BYTES, keyIdOfCiphertext, parseSealed } from "./ciphertext.ts";
import { keyIdOf, loadOrCreateKeyFile, parseKey, readKeyFile } from "./key-file.ts";

/**
 * Where the master key comes from, parsed once at start by the caller: a key file (created with
 * mode 0600 on first start) or the value of SLIPWAY_MASTER_KEY. `previousKeys` (base64) keep
 * older ciphertexts decrypting during a rotation.
 */
export type AesGcmSecretsOptions = ({ keyFile: string } | { key: string }) & { previousKeys?: string[] };

export type AesGcmSecrets = Secrets & {
  /** Ids of every loaded key, current first. */
  keyIds(): string[];
  /** True when the ciphertext was made with the current key (rotation skips it). */
  isCurrent(ciphertext: string): boolean;
};

/** Sibling files a rotation leaves next to the key file; loading them keeps a crashed rotation readable. */
export function rotationFiles(keyFile: string): { next: string; previous: (keyId: string) => string; all: string[] } {
  const dir = dirname(keyFile);
  const base = basename(keyFile);
  const names = (() => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  })();
  const all = names
    .filter((name) => name === `${base}.next` || name.startsWith(`${base}.previous-`))
    .map((name) => join(dir, name));
  return { next: `${keyFile}.next`, previous: (keyId) => `${keyFile}.previous-${keyId}`, all };
}

export function createAesGcmSecrets(options: AesGcmSecretsOptions): AesGcmSecrets {
  const current =
    "keyFile" in options ? loadOrCreateKeyFile(options.keyFile) : parseKey(options.key, "SLIPWAY_MASTER_KEY");
  const older = (options.previousKeys ?? []).map((key, i) => parseKey(key, `Previous master key #${i + 1}`));
  if ("keyFile" in options) older.push(...rotationFiles(options.keyFile).all.map(readKeyFile));
  const currentId = keyIdOf(current);
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const key of older) if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key);

  return {
    name: "aes-256-gcm",
    currentKeyId: () => currentId,
    keyIds: () => [...keys.keys()],
    isCurrent: (ciphertext) => keyIdOfCiphertext(ciphertext) === currentId,

    async encrypt(plaintext) {
      // A fresh random IV per message: with GCM, reusing an IV under one key breaks confidentiality.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(aadFor(currentId));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return formatSealed({ keyId: currentId, iv, tag: cipher.getAuthTag(), data });
    },

    async decrypt(ciphertext) {
      const sealed = parseSealed(ciphertext);
      const key = keys.get(sealed.keyId);
      if (!key) {
        throw new SlipwayError(
          "INTERNAL",
          `Ciphertext was made with master key ${sealed.keyId}, which is not loaded (loaded: ${[...keys.keys()].join(", ")})`,
          "Supply the previous master key (or restore its <keyFile>.previous-<keyId> file) so the value can be decrypted.",
        );
      }
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv, { authTagLength: sealed.tag.length });
      decipher.setAAD(aadFor(sealed.keyId));
      decipher.setAuthTag(sealed.tag);
      try {
        return Buffer.concat([decipher.update(sealed.data), decipher.final()]).toString("utf8");
      } catch {
        throw new SlipwayError(
          "INTERNAL",
          `Ciphertext made with master key ${sealed.keyId} failed authentication`,
          "The stored value was altered or corrupted; set the variable again.",
        );
      }
    },
  };
}
