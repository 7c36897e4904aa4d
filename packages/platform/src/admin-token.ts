import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, newId, nowIso, type Store } from "@slipway/core";

/**
 * On first start, creates the admin API token and writes it to `<dataDir>/admin-token` (0600).
 * The store keeps only its hash. If the file is lost, a new token is made on the next start.
 */
export async function ensureAdminToken(store: Store, dataDir: string): Promise<{ path: string; created: boolean }> {
  const path = join(dataDir, "admin-token");
  const existing = await readFile(path, "utf8").catch(() => null);
  if (existing && (await store.tokens.findByHash(hashToken(existing.trim())))) return { path, created: false };
  const token = `slw_${randomBytes(24).toString("base64url")}`;
  await store.tokens.create({
    id: newId(),
    name: "admin",
    tokenHash: hashToken(token),
    createdAt: nowIso(),
    ...ADMIN_TOKEN_SCOPE,
  });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return { path, created: true };
}
