import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
/** Deployment ids (and the other default ids) are this long; hostname rules depend on it. */
export const ID_LENGTH = 10;

/** Lowercase base36, so ids fit in hostnames; 10 characters ≈ 51 bits. */
export function newId(length = ID_LENGTH): string {
  const bytes = randomBytes(length);
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

export function nowIso(): string {
  return new Date().toISOString();
}
