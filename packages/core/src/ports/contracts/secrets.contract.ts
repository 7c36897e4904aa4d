import { expect } from "vitest";
import type { Secrets } from "../secrets.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

export interface SecretsContractOptions extends ContractOptions<Secrets> {
  /**
   * Two generations of keys for the rotation cases: `old` on key A; `current` on key B that still
   * knows A; `withoutOld` on key B alone.
   */
  createRotated?: () => Promise<{ old: Secrets; current: Secrets; withoutOld: Secrets }>;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Changes one character `fraction` of the way through. It flips the top bit of the base64 digit,
 * which is a data bit even in the last digit before padding (a low bit there may be ignored).
 */
function tamper(ciphertext: string, fraction: number): string {
  let i = Math.min(Math.floor(ciphertext.length * fraction), ciphertext.length - 1);
  while (i > 0 && !BASE64.includes(ciphertext[i] ?? "")) i -= 1;
  const replacement = BASE64[BASE64.indexOf(ciphertext[i] ?? "A") ^ 32];
  return `${ciphertext.slice(0, i)}${replacement}${ciphertext.slice(i + 1)}`;
}

/** The Secrets contract: every adapter (AES-GCM, Secrets Manager/KMS, …) runs these cases. */
export function runSecretsContract(options: SecretsContractOptions): void {
  const rotated = async () => {
    if (!options.createRotated)
      throw new Error("createRotated is required for this case; skip it with a reason instead");
    return options.createRotated();
  };

  defineContract<Secrets>(
    "Secrets",
    options,
    async () => {},
    (test) => {
      test("encrypt then decrypt round-trips any string", async (secrets) => {
        for (const plaintext of ["postgres://u:p@db/x", "", "ünïcode ✓ 🚀", "a:b:c", "x".repeat(64 * 1024)]) {
          const ciphertext = await secrets.encrypt(plaintext);
          expect(ciphertext).not.toContain(plaintext || "\u0000");
          expect(await secrets.decrypt(ciphertext)).toBe(plaintext);
        }
      });

      test("encrypting one value twice gives different ciphertexts", async (secrets) => {
        expect(await secrets.encrypt("same")).not.toBe(await secrets.encrypt("same"));
      });

      test("ciphertexts name the current key", async (secrets) => {
        const keyId = secrets.currentKeyId();
        expect(keyId).not.toBe("");
        expect(await secrets.encrypt("x")).toContain(keyId);
      });

      test("a tampered ciphertext is refused, never decrypted to something else", async (secrets) => {
        const ciphertext = await secrets.encrypt("the real value");
        for (const fraction of [0.3, 0.5, 0.7, 0.85, 1]) {
          await expect(secrets.decrypt(tamper(ciphertext, fraction)), `at ${fraction}`).rejects.toThrow();
        }
        await expect(secrets.decrypt(`${ciphertext}AAAA`)).rejects.toThrow();
      });

      test("garbage is refused", async (secrets) => {
        for (const garbage of ["", "plain text", "v1:abc", "v9:a:b:c:d"]) {
          await expect(secrets.decrypt(garbage), JSON.stringify(garbage)).rejects.toThrow();
        }
      });

      test("rotation: the new key decrypts old ciphertexts while the old key is supplied", async () => {
        const { old, current } = await rotated();
        expect(current.currentKeyId()).not.toBe(old.currentKeyId());
        const before = await old.encrypt("made before rotation");
        expect(await current.decrypt(before)).toBe("made before rotation");
        expect(await current.encrypt("x")).toContain(current.currentKeyId());
      });

      test("rotation: without the old key, old ciphertexts are refused", async () => {
        const { old, withoutOld } = await rotated();
        const before = await old.encrypt("made before rotation");
        await expect(withoutOld.decrypt(before)).rejects.toThrow(old.currentKeyId());
        await expect(old.decrypt(await withoutOld.encrypt("new"))).rejects.toThrow();
      });
    },
  );
}
