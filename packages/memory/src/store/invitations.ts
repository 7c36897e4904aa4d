import type { Invitation, InvitationRepo } from "@slipway/core";
import { by, copy } from "./order.ts";

export function createMemoryInvitationRepo(): InvitationRepo {
  const invitations = new Map<string, Invitation>();
  return {
    async create(invitation) {
      if (invitations.has(invitation.id)) throw new Error(`invitation ${invitation.id} already exists`);
      invitations.set(invitation.id, copy(invitation));
    },
    async get(id) {
      const invitation = invitations.get(id);
      return invitation ? copy(invitation) : null;
    },
    async findByHash(tokenHash) {
      const invitation = [...invitations.values()].find((i) => i.tokenHash === tokenHash);
      return invitation ? copy(invitation) : null;
    },
    async listOpen(teamId) {
      return [...invitations.values()]
        .filter((i) => i.teamId === teamId && i.acceptedBy === null)
        .sort(by<Invitation>((i) => i.createdAt))
        .map(copy);
    },
    async accept(id, userId) {
      const invitation = invitations.get(id);
      if (!invitation || invitation.acceptedBy !== null) return false;
      invitation.acceptedBy = userId;
      return true;
    },
    async delete(id) {
      return invitations.delete(id);
    },
  };
}
