import { TEAM_ROLES, type TeamRole } from "@slipway/core";

/** True when `role` can do what `needed` can (owner ⊇ member ⊇ viewer). */
export function roleAtLeast(role: TeamRole, needed: TeamRole): boolean {
  return TEAM_ROLES.indexOf(role) >= TEAM_ROLES.indexOf(needed);
}

/** The weaker of two roles: a token acts with at most its own role and its user's current one. */
export function weakerRole(a: TeamRole, b: TeamRole): TeamRole {
  return roleAtLeast(a, b) ? b : a;
}
