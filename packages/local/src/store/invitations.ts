import type { Invitation, InvitationRepo, TeamRole } from "@slipway/core";
import type Database from "better-sqlite3";

interface InvitationRow {
  id: string;
  team_id: string;
  /** A TeamRole (CHECK constraint in migration 7). */
  role: string;
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  accepted_by: string | null;
}

const fromRow = (row: InvitationRow): Invitation => ({
  id: row.id,
  teamId: row.team_id,
  role: row.role as TeamRole,
  tokenHash: row.token_hash,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  acceptedBy: row.accepted_by,
});

export function createInvitationRepo(db: Database.Database): InvitationRepo {
  const insert = db.prepare(
    `INSERT INTO invitations (id, team_id, role, token_hash, created_by, created_at, expires_at, accepted_by)
     VALUES (@id, @teamId, @role, @tokenHash, @createdBy, @createdAt, @expiresAt, @acceptedBy)`,
  );
  const get = db.prepare<[string], InvitationRow>("SELECT * FROM invitations WHERE id = ?");
  const byHash = db.prepare<[string], InvitationRow>("SELECT * FROM invitations WHERE token_hash = ?");
  const listOpen = db.prepare<[string], InvitationRow>(
    "SELECT * FROM invitations WHERE team_id = ? AND accepted_by IS NULL ORDER BY created_at, id",
  );
  // The check and the write in one statement: two accepts of one link cannot both succeed.
  const accept = db.prepare<[string, string]>(
    "UPDATE invitations SET accepted_by = ? WHERE id = ? AND accepted_by IS NULL",
  );
  const remove = db.prepare<[string]>("DELETE FROM invitations WHERE id = ?");
  return {
    async create(invitation) {
      insert.run(invitation);
    },
    async get(id) {
      const row = get.get(id);
      return row ? fromRow(row) : null;
    },
    async findByHash(tokenHash) {
      const row = byHash.get(tokenHash);
      return row ? fromRow(row) : null;
    },
    async listOpen(teamId) {
      return listOpen.all(teamId).map(fromRow);
    },
    async accept(id, userId) {
      return accept.run(userId, id).changes === 1;
    },
    async delete(id) {
      return remove.run(id).changes === 1;
    },
  };
}
