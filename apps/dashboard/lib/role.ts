import type { MeView } from "@slipway/client";
import { cache } from "react";
import { api, read } from "./api";

type TeamRole = MeView["teams"][number]["role"];
const RANK: Record<TeamRole, number> = { viewer: 0, member: 1, owner: 2 };

/**
 * The signed-in caller's role in a team, so a page offers only what the API would allow (the API
 * still checks every write). The admin token acts as an owner everywhere. Once per request.
 */
export const roleInTeam = cache(async (teamId: string | null): Promise<TeamRole | null> => {
  const me = await read((await api()).GET("/api/v1/me"));
  if (me.kind === "admin") return "owner";
  return me.teams.find((t) => t.id === teamId)?.role ?? null;
});

/**
 * Why a button is off for this role: the title a disabled button shows, naming the role it needs;
 * undefined when the role is enough.
 */
export function needsRole(role: TeamRole | null, needed: TeamRole): string | undefined {
  if (role !== null && RANK[role] >= RANK[needed]) return undefined;
  return `Needs the ${needed} role in the site's team (yours: ${role ?? "none"})`;
}

/** The caller's role in the team that owns a site (a missing site is the not-found page). */
export const roleInProject = cache(async (name: string): Promise<TeamRole | null> => {
  const project = await read((await api()).GET("/api/v1/projects/{name}", { params: { path: { name } } }));
  return roleInTeam(project.teamId);
});
