import { type Invitation, nowIso, type Store } from "@slipway/core";

/** The invitation with this token hash while it can still be used (not accepted, not expired). */
export async function openInvitation(store: Store, tokenHash: string): Promise<Invitation | null> {
  const invitation = await store.invitations.findByHash(tokenHash);
  if (!invitation || invitation.acceptedBy !== null || invitation.expiresAt <= nowIso()) return null;
  return invitation;
}

/**
 * Uses the invitation up and joins the user to its team with its role. False when another accept
 * got there first. A user already in the team keeps their role (an invitation never demotes).
 */
export async function acceptInvitation(store: Store, invitation: Invitation, userId: string): Promise<boolean> {
  if (!(await store.invitations.accept(invitation.id, userId))) return false;
  await store.teams.addMember({ teamId: invitation.teamId, userId, role: invitation.role, createdAt: nowIso() });
  return true;
}
