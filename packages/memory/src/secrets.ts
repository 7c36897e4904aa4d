import { randomBytes } from "node:crypto";
import type { Secrets } from "@slipway/core";

export interface MemorySecretsOptions {
  /** Id of this instance's key (default: random). */
  keyId?: string;
  /** Instances with older keys whose ciphertexts this one still opens (a rotation in progress). */
  previous?: MemorySecrets[];
}

export type MemorySecrets = Secrets & { readonly keyId: string };

/**
 * A vault in memory: a ciphertext is an opaque, random reference (`mem:<keyId>:<token>`) to the
 * plaintext it stands for, like a Secrets Manager ARN. Nothing is encrypted, but everything the
 * contract asks holds: fresh references, the key id inside, tampering and garbage refused.
 */
export function createMemorySecrets(options: MemorySecretsOptions = {}): MemorySecrets {
  const keyId = options.keyId ?? randomBytes(4).toString("hex");
  const vault = new Map<string, string>();
  const self: MemorySecrets = {
    name: "memory",
    keyId,
    async encrypt(plaintext) {
      const ciphertext = `mem:${keyId}:${randomBytes(18).toString("base64")}`;
      vault.set(ciphertext, plaintext);
      return ciphertext;
    },
    async decrypt(ciphertext) {
      const [scheme, id] = ciphertext.split(":");
      if (scheme !== "mem" || id === undefined) throw new Error("not a ciphertext of the memory vault");
      if (id === keyId) {
        const plaintext = vault.get(ciphertext);
        if (plaintext === undefined) throw new Error(`ciphertext unknown to key ${keyId} (tampered?)`);
        return plaintext;
      }
      const older = options.previous?.find((secrets) => secrets.keyId === id);
      if (!older) throw new Error(`ciphertext made with key ${id}, which this vault does not hold`);
      return older.decrypt(ciphertext);
    },
    currentKeyId() {
      return keyId;
    },
  };
  return self;
}
