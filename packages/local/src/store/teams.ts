import type { Team, TeamMember, TeamRepo, TeamRole } from "@slipway/core";
import type Database from "better-sqlite3";

interface TeamRow {
  id: string;
  name: string;
  created_at: string;
}
interface MemberRow {
  team_id: string;
  user_id: string;
  /** A TeamRole (CHECK constraint in migration 7). */
  role: string;
  created_at: string;
}

const teamFromRow = (row: TeamRow): Team => ({ id: row.id, name: row.name, createdAt: row.created_at });
const memberFromRow = (row: MemberRow): TeamMember => ({
  teamId: row.team_id,
  userId: row.user_id,
  role: row.role as TeamRole,
  createdAt: row.created_at,
});

export function createTeamRepo(db: Database.Database): TeamRepo {
  const insertTeam = db.prepare("INSERT INTO teams (id, name, created_at) VALUES (@id, @name, @createdAt)");
  const insertMember = db.prepare(
    `INSERT INTO team_members (team_id, user_id, role, created_at) VALUES (@teamId, @userId, @role, @createdAt)
     ON CONFLICT (team_id, user_id) DO NOTHING`,
  );
  const create = db.transaction((team: Team, owner: TeamMember) => {
    insertTeam.run(team);
    insertMember.run(owner);
  });
  const get = db.prepare<[string], TeamRow>("SELECT * FROM teams WHERE id = ?");
  const count = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM teams");
  const forUser = db.prepare<[string], TeamRow & { role: string }>(
    `SELECT t.id, t.name, t.created_at, m.role FROM team_members m JOIN teams t ON t.id = m.team_id
     WHERE m.user_id = ? ORDER BY m.created_at, t.id`,
  );
  const members = db.prepare<[string], MemberRow>(
    "SELECT * FROM team_members WHERE team_id = ? ORDER BY created_at, user_id",
  );
  const member = db.prepare<[string, string], MemberRow>(
    "SELECT * FROM team_members WHERE team_id = ? AND user_id = ?",
  );
  const setRole = db.prepare<[string, string, string]>(
    "UPDATE team_members SET role = ? WHERE team_id = ? AND user_id = ?",
  );
  const removeMember = db.prepare<[string, string]>("DELETE FROM team_members WHERE team_id = ? AND user_id = ?");

  return {
    async create(team, owner) {
      create.immediate(team, owner);
    },
    async get(id) {
      const row = get.get(id);
      return row ? teamFromRow(row) : null;
    },
    async count() {
      return count.get()?.n ?? 0;
    },
    async listForUser(userId) {
      return forUser.all(userId).map((row) => ({ team: teamFromRow(row), role: row.role as TeamRole }));
    },
    async members(teamId) {
      return members.all(teamId).map(memberFromRow);
    },
    async member(teamId, userId) {
      const row = member.get(teamId, userId);
      return row ? memberFromRow(row) : null;
    },
    async addMember(m) {
      return insertMember.run(m).changes === 1;
    },
    async setRole(teamId, userId, role) {
      return setRole.run(role, teamId, userId).changes === 1;
    },
    async removeMember(teamId, userId) {
      return removeMember.run(teamId, userId).changes === 1;
    },
  };
}
