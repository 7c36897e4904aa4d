import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { SlipwayError } from "@slipway/core";

export const KEY_BYTES = 32;

/** First 8 hex characters of sha256(key): names a key in ciphertexts without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** Decodes a base64 key; `source` names where it came from (a file, SLIPWAY_MASTER_KEY), never the key. */
export function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `${source} does not hold a base64-encoded ${KEY_BYTES}-byte key (decoded ${key.length} bytes)`,
      "Generate one with `openssl rand -base64 32`; if env vars were already encrypted, restore the original key instead.",
    );
  }
  return key;
}

/**
 * Refuses a key file that anyone but its owner can read: the master key decrypts every secret,
 * so a world-readable copy is a leak waiting to happen. Windows has no such mode bits.
 */
export function assertPrivate(path: string, mode: number): void {
  if (process.platform === "win32" || (mode & 0o077) === 0) return;
  throw new SlipwayError(
    "INVALID_INPUT",
    `Master key file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, "0")})`,
    `Run \`chmod 600 ${path}\` and start again.`,
  );
}

/** Reads a key file after checking its permissions. */
export function readKeyFile(path: string): Buffer {
  assertPrivate(path, statSync(path).mode);
  return parseKey(readFileSync(path, "utf8"), `Master key file ${path}`);
}

/**
 * Writes `key` to `path` only if nothing is there yet, atomically: the key goes to a private temp
 * file first and is hard-linked into place, so a crash never leaves a truncated key file and two
 * processes starting at once agree on one key. Returns false when the file already existed.
 */
export function createKeyFile(path: string, key: Buffer): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** The key in `path`, creating a fresh random one on first start. */
export function loadOrCreateKeyFile(path: string): Buffer {
  createKeyFile(path, randomBytes(KEY_BYTES));
  return readKeyFile(path);
}
