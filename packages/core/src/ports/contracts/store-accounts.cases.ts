import { expect } from "vitest";
import type { ApiToken, Invitation, Team, TeamMember } from "../../domain/model.ts";
import type { Store } from "../store.ts";
import type { ContractTest } from "./harness.ts";
import { project, uniq } from "./store-fixtures.ts";

const team = (): Team => ({ id: uniq("team"), name: uniq("Team "), createdAt: "2026-01-01T00:00:00.000Z" });
const member = (teamId: string, overrides: Partial<TeamMember> = {}): TeamMember => ({
  teamId,
  userId: uniq("u"),
  role: "owner",
  createdAt: "2026-01-01T00:00:00.000Z",
  ...overrides,
});

/** Accounts: better-auth's records, teams and their members, invitations, user tokens, project teams. */
export function accountCases(test: ContractTest<Store>): void {
  test("authRecords: create, get, findBy a lookup field, list, replace and delete per model", async (store) => {
    const user = { id: uniq("u"), email: "ada@example.com", name: "Ada", emailVerified: false };
    await store.authRecords.create("user", user);
    await store.authRecords.create("session", { id: uniq("s"), token: "tok-1", userId: user.id, n: 1 });
    await store.authRecords.create("session", { id: uniq("s"), token: "tok-2", userId: user.id, n: 2 });
    expect(await store.authRecords.get("user", user.id)).toEqual(user);
    expect(await store.authRecords.get("session", user.id)).toBeNull();
    expect(await store.authRecords.findBy("user", "email", "ada@example.com")).toEqual([user]);
    expect((await store.authRecords.findBy("session", "userId", user.id)).map((s) => s.n)).toEqual([1, 2]);
    expect((await store.authRecords.findBy("session", "token", "tok-2")).map((s) => s.n)).toEqual([2]);
    expect(await store.authRecords.list("user")).toEqual([user]);

    const renamed = { ...user, email: "lovelace@example.com" };
    expect(await store.authRecords.replace("user", renamed)).toBe(true);
    expect(await store.authRecords.findBy("user", "email", "ada@example.com")).toEqual([]);
    expect(await store.authRecords.findBy("user", "email", "lovelace@example.com")).toEqual([renamed]);
    expect(await store.authRecords.replace("user", { id: "missing" })).toBe(false);
    expect(await store.authRecords.delete("user", user.id)).toBe(true);
    expect(await store.authRecords.delete("user", user.id)).toBe(false);
    expect(await store.authRecords.list("user")).toEqual([]);
  });

  test("teams: create with its owner; listForUser in joining order; members, roles, removal", async (store) => {
    const first = team();
    const second = team();
    const owner = member(first.id);
    await store.teams.create(first, owner);
    await store.teams.create(second, member(second.id));
    expect(await store.teams.get(first.id)).toEqual(first);
    expect(await store.teams.get("missing")).toBeNull();
    expect(await store.teams.count()).toBe(2);

    const joined = member(second.id, { userId: owner.userId, role: "viewer", createdAt: "2026-02-01T00:00:00.000Z" });
    expect(await store.teams.addMember(joined)).toBe(true);
    expect(await store.teams.addMember({ ...joined, role: "owner" })).toBe(false);
    expect(await store.teams.listForUser(owner.userId)).toEqual([
      { team: first, role: "owner" },
      { team: second, role: "viewer" },
    ]);
    expect(await store.teams.setRole(second.id, owner.userId, "member")).toBe(true);
    expect(await store.teams.member(second.id, owner.userId)).toEqual({ ...joined, role: "member" });
    expect(await store.teams.setRole(second.id, "nobody", "member")).toBe(false);
    expect((await store.teams.members(second.id)).map((m) => m.role)).toEqual(["owner", "member"]);
    expect(await store.teams.removeMember(second.id, owner.userId)).toBe(true);
    expect(await store.teams.removeMember(second.id, owner.userId)).toBe(false);
    expect(await store.teams.member(second.id, owner.userId)).toBeNull();
    expect(await store.teams.listForUser(owner.userId)).toEqual([{ team: first, role: "owner" }]);
  });

  test("invitations: findByHash, listOpen, accept only once even when raced, delete", async (store) => {
    const t = team();
    await store.teams.create(t, member(t.id));
    const invitation: Invitation = {
      id: uniq("i"),
      teamId: t.id,
      role: "viewer",
      tokenHash: uniq("hash"),
      createdBy: "u1",
      createdAt: "2026-01-01T00:00:00.000Z",
      expiresAt: "2026-01-08T00:00:00.000Z",
      acceptedBy: null,
    };
    await store.invitations.create(invitation);
    expect(await store.invitations.findByHash(invitation.tokenHash)).toEqual(invitation);
    expect(await store.invitations.findByHash("nope")).toBeNull();
    expect(await store.invitations.listOpen(t.id)).toEqual([invitation]);
    const results = await Promise.all(["a", "b", "c"].map((u) => store.invitations.accept(invitation.id, u)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.invitations.get(invitation.id))?.acceptedBy).toMatch(/^[abc]$/);
    expect(await store.invitations.listOpen(t.id)).toEqual([]);
    expect(await store.invitations.delete(invitation.id)).toBe(true);
    expect(await store.invitations.get(invitation.id)).toBeNull();
    expect(await store.invitations.accept(invitation.id, "d")).toBe(false);
  });

  test("tokens: a user's tokens keep their scope, list by user, delete only by their user", async (store) => {
    const token: ApiToken = {
      id: uniq("t"),
      name: "ci",
      tokenHash: uniq("h"),
      createdAt: "2026-01-01T00:00:00.000Z",
      userId: "u1",
      teamId: "team1",
      role: "member",
      expiresAt: "2026-02-01T00:00:00.000Z",
    };
    await store.tokens.create(token);
    await store.tokens.create({ ...token, id: uniq("t"), tokenHash: uniq("h"), userId: "u2" });
    expect(await store.tokens.findByHash(token.tokenHash)).toEqual(token);
    expect(await store.tokens.listByUser("u1")).toEqual([token]);
    expect(await store.tokens.delete(token.id, "u2")).toBe(false);
    expect(await store.tokens.delete(token.id, "u1")).toBe(true);
    expect(await store.tokens.findByHash(token.tokenHash)).toBeNull();
  });

  test("projects: keep their team; assignUnowned gives only the teamless ones to a team", async (store) => {
    const unowned = project({ teamId: null });
    const owned = project({ teamId: "other" });
    await store.projects.create(unowned);
    await store.projects.create(owned);
    expect(await store.projects.assignUnowned("first")).toBe(1);
    expect((await store.projects.get(unowned.id))?.teamId).toBe("first");
    expect(await store.projects.get(owned.id)).toEqual(owned);
    expect(await store.projects.assignUnowned("again")).toBe(0);
  });
}
