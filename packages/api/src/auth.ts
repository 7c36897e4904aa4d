import { createHash } from "node:crypto";

/** Tokens are stored as SHA-256 hashes; a database leak does not leak a usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
