import { SlipwayError } from "@slipway/core";

/** `v1:<keyId>:<iv b64>:<tag b64>:<data b64>`; the version lets the format change later. */
export interface Sealed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export function formatSealed(sealed: Sealed): string {
  return [
    "v1",
    sealed.keyId,
    sealed.iv.toString("base64"),
    sealed.tag.toString("base64"),
    sealed.data.toString("base64"),
  ].join(":");
}

/** The header every v1 ciphertext authenticates as additional data, so its key id cannot be swapped. */
export function aadFor(keyId: string): Buffer {
  return Buffer.from(`v1:${keyId}`);
}

export function parseSealed(ciphertext: string): Sealed {
  const parts = ciphertext.split(":");
  const [version, keyId, iv, tag, data] = parts;
  const ivBytes = strictBase64(iv ?? "");
  const tagBytes = strictBase64(tag ?? "");
  const dataBytes = strictBase64(data ?? "");
  // A short tag would make forgery easier (GCM accepts truncated tags), so insist on the full 16 bytes.
  if (
    parts.length !== 5 ||
    version !== "v1" ||
    !keyId ||
    ivBytes?.length !== IV_BYTES ||
    tagBytes?.length !== TAG_BYTES ||
    !dataBytes
  ) {
    throw new SlipwayError(
      "INTERNAL",
      `Not a Slipway v1 ciphertext (starts with ${JSON.stringify(ciphertext.slice(0, 12))})`,
      "Env var values are stored as v1:<keyId>:<iv>:<tag>:<data>; this value was altered or written by something else.",
    );
  }
  return { keyId, iv: ivBytes, tag: tagBytes, data: dataBytes };
}

/** The key id a ciphertext names, or null when it is not a v1 ciphertext. */
export function keyIdOfCiphertext(ciphertext: string): string | null {
  const [version, keyId] = ciphertext.split(":");
  return version === "v1" && keyId ? keyId : null;
}

/** Node's decoder skips junk and stops at padding; only the canonical encoding is accepted here. */
function strictBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}
