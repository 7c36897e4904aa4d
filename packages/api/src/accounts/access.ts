import {
  type Deployment,
  deploymentNotFound,
  type Project,
  projectNotFound,
  SlipwayError,
  type Store,
  type TeamRole,
} from "@slipway/core";
import type { Caller } from "./caller.ts";
import { roleAtLeast } from "./roles.ts";

/** What each role may do, in words for the refusal. */
const ACTIONS: Record<TeamRole, string> = {
  viewer: "read",
  member: "deploy, roll back and change env vars and settings",
  owner: "delete projects and manage members, invitations",
};

/** The caller's role in the team, or null when it may not see the team at all. Admin: owner everywhere. */
export function roleIn(caller: Caller, teamId: string | null): TeamRole | null {
  if (caller.kind === "admin") return "owner";
  return teamId === null ? null : (caller.teams.get(teamId) ?? null);
}

/**
 * Refuses a caller whose role in the team is below `needed` (403, naming both roles). A caller
 * outside the team must already have been answered 404 by the lookup.
 */
export function requireRole(caller: Caller, teamId: string | null, needed: TeamRole): void {
  const role = roleIn(caller, teamId);
  if (role && roleAtLeast(role, needed)) return;
  throw new SlipwayError(
    "FORBIDDEN",
    `Your role in this team is ${role ?? "none"}; to ${ACTIONS[needed]} you need ${needed}.`,
    "Ask an owner of the team to change your role.",
  );
}

/**
 * The project by name, as the caller may use it. Outside its team the answer is the same 404 as
 * for a name that does not exist, so names of other teams' projects do not leak.
 */
export async function projectFor(
  deps: { store: Store },
  caller: Caller,
  name: string,
  needed: TeamRole,
): Promise<Project> {
  const project = await deps.store.projects.getByName(name);
  if (!project || roleIn(caller, project.teamId) === null) throw projectNotFound(name);
  requireRole(caller, project.teamId, needed);
  return project;
}

/** The deployment and its project, as the caller may use them (another team's: 404). */
export async function deploymentFor(
  deps: { store: Store },
  caller: Caller,
  id: string,
  needed: TeamRole,
): Promise<{ deployment: Deployment; project: Project }> {
  const found = await deps.store.deployments.get(id);
  const project = found ? await deps.store.projects.get(found.projectId) : null;
  if (!found || !project || roleIn(caller, project.teamId) === null) throw deploymentNotFound(id);
  requireRole(caller, project.teamId, needed);
  return { deployment: found, project };
}
