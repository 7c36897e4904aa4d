import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The key that signs session cookies, in `<dataDir>/auth-secret` (0600), made on first start.
 * Outside the database, like the master key: a copy of the database alone cannot forge a session.
 * Replacing the file signs everyone out.
 */
export async function ensureAuthSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, "auth-secret");
  const existing = (await readFile(path, "utf8").catch(() => "")).trim();
  if (existing.length >= 32) return existing;
  const secret = randomBytes(32).toString("base64url");
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
