import type { ApiTokenRepo } from "@slipway/core";
import type Database from "better-sqlite3";
import { type ApiTokenRow, apiTokenFromRow } from "./rows.ts";

export function createApiTokenRepo(db: Database.Database): ApiTokenRepo {
  const insert = db.prepare(
    `INSERT INTO api_tokens (id, name, token_hash, created_at, user_id, team_id, role, expires_at)
     VALUES (@id, @name, @tokenHash, @createdAt, @userId, @teamId, @role, @expiresAt)`,
  );
  const listByUser = db.prepare<[string], ApiTokenRow>(
    "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at, id",
  );
  const remove = db.prepare<[string, string]>("DELETE FROM api_tokens WHERE id = ? AND user_id = ?");
  const findByHash = db.prepare<[string], ApiTokenRow>("SELECT * FROM api_tokens WHERE token_hash = ?");
  const count = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM api_tokens");
  return {
    async create(token) {
      insert.run(token);
    },
    async findByHash(tokenHash) {
      const row = findByHash.get(tokenHash);
      return row ? apiTokenFromRow(row) : null;
    },
    async count() {
      return count.get()?.n ?? 0;
    },
    async listByUser(userId) {
      return listByUser.all(userId).map(apiTokenFromRow);
    },
    async delete(id, userId) {
      return remove.run(id, userId).changes === 1;
    },
  };
}
