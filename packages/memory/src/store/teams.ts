import type { Team, TeamMember, TeamRepo } from "@slipway/core";
import { by, copy } from "./order.ts";

export function createMemoryTeamRepo(): TeamRepo {
  const teams = new Map<string, Team>();
  const members: TeamMember[] = [];
  const find = (teamId: string, userId: string) => members.find((m) => m.teamId === teamId && m.userId === userId);
  return {
    async create(team, owner) {
      if (teams.has(team.id)) throw new Error(`team ${team.id} already exists`);
      teams.set(team.id, copy(team));
      members.push(copy(owner));
    },
    async get(id) {
      const team = teams.get(id);
      return team ? copy(team) : null;
    },
    async count() {
      return teams.size;
    },
    async listForUser(userId) {
      return members
        .filter((m) => m.userId === userId && teams.has(m.teamId))
        .sort(by<TeamMember>((m) => m.createdAt))
        .map((m) => ({ team: copy(teams.get(m.teamId) as Team), role: m.role }));
    },
    async members(teamId) {
      return members
        .filter((m) => m.teamId === teamId)
        .sort(by<TeamMember>((m) => m.createdAt))
        .map(copy);
    },
    async member(teamId, userId) {
      const member = find(teamId, userId);
      return member ? copy(member) : null;
    },
    async addMember(member) {
      if (find(member.teamId, member.userId)) return false;
      members.push(copy(member));
      return true;
    },
    async setRole(teamId, userId, role) {
      const member = find(teamId, userId);
      if (!member) return false;
      member.role = role;
      return true;
    },
    async removeMember(teamId, userId) {
      const member = find(teamId, userId);
      if (!member) return false;
      members.splice(members.indexOf(member), 1);
      return true;
    },
  };
}
