import { randomBytes } from "node:crypto";
import {
  type ApiToken,
  type Invitation,
  newId,
  nowIso,
  SlipwayError,
  type Store,
  type TEAM_ROLES,
  type TeamMember,
} from "@slipway/core";
import {
  acceptInvitationBody,
  changeRoleBody,
  createInvitationBody,
  createTeamBody,
  createTokenBody,
} from "@slipway/core/schemas";
import { Hono } from "hono";
import { requireRole, roleIn } from "../accounts/access.ts";
import { invitationInvalid } from "../accounts/auth-routes.ts";
import type { Caller, CallerEnv } from "../accounts/caller.ts";
import { acceptInvitation, openInvitation } from "../accounts/invitations.ts";
import { roleAtLeast } from "../accounts/roles.ts";
import type { ApiDeps } from "../app.ts";
import { hashToken } from "../auth.ts";
import { readJson } from "../body.ts";

/** The signed-in user, their teams, members, invitations and API tokens. */
export function accountRoutes(deps: Pick<ApiDeps, "store" | "urls">) {
  const { store } = deps;
  return new Hono<CallerEnv>()
    .get("/me", async (c) => {
      const caller = c.get("caller");
      if (caller.kind === "admin") return c.json({ kind: "admin", user: null, teams: [] });
      const user = await presentUser(store, caller.userId);
      const teams = await Promise.all(
        [...caller.teams].map(async ([id, teamRole]) => ({
          id,
          name: (await store.teams.get(id))?.name,
          role: teamRole,
        })),
      );
      return c.json({ kind: "user", via: caller.via, user, teams });
    })
    .get("/teams", async (c) => {
      const caller = c.get("caller");
      const teams = caller.kind === "admin" ? [] : [...caller.teams];
      return c.json(
        await Promise.all(teams.map(async ([id, r]) => ({ id, name: (await store.teams.get(id))?.name, role: r }))),
      );
    })
    .post("/teams", async (c) => {
      const userId = requireUser(c.get("caller"));
      const { name } = await readJson(c, createTeamBody);
      const team = { id: newId(), name, createdAt: nowIso() };
      await store.teams.create(team, { teamId: team.id, userId, role: "owner", createdAt: nowIso() });
      return c.json({ ...team, role: "owner" }, 201);
    })
    .get("/teams/:team/members", async (c) => {
      const teamId = await teamFor(store, c.get("caller"), c.req.param("team"), "viewer");
      const members = await store.teams.members(teamId);
      return c.json(await Promise.all(members.map((m) => presentMember(store, m))));
    })
    .patch("/teams/:team/members/:user", async (c) => {
      const teamId = await teamFor(store, c.get("caller"), c.req.param("team"), "owner");
      const { role: next } = await readJson(c, changeRoleBody);
      const member = await memberFor(store, teamId, c.req.param("user"));
      if (next !== "owner") await keepAnOwner(store, member);
      await store.teams.setRole(teamId, member.userId, next);
      return c.json(await presentMember(store, { ...member, role: next }));
    })
    .delete("/teams/:team/members/:user", async (c) => {
      const teamId = await teamFor(store, c.get("caller"), c.req.param("team"), "owner");
      const member = await memberFor(store, teamId, c.req.param("user"));
      await keepAnOwner(store, member);
      await store.teams.removeMember(teamId, member.userId);
      return c.json({ removed: member.userId });
    })
    .post("/teams/:team/invitations", async (c) => {
      const caller = c.get("caller");
      const teamId = await teamFor(store, caller, c.req.param("team"), "owner");
      const body = await readJson(c, createInvitationBody);
      const token = `slwi_${randomBytes(24).toString("base64url")}`;
      const invitation: Invitation = {
        id: newId(),
        teamId,
        role: body.role,
        tokenHash: hashToken(token),
        createdBy: caller.kind === "admin" ? "admin" : caller.userId,
        createdAt: nowIso(),
        expiresAt: new Date(Date.now() + body.expiresInDays * 86_400_000).toISOString(),
        acceptedBy: null,
      };
      await store.invitations.create(invitation);
      // The link opens the dashboard's invitation page, served at the platform's own address.
      const url = `${deps.urls.apiUrl}/invite/${token}`;
      return c.json({ ...presentInvitation(invitation), url, token }, 201);
    })
    .get("/teams/:team/invitations", async (c) => {
      const teamId = await teamFor(store, c.get("caller"), c.req.param("team"), "owner");
      return c.json((await store.invitations.listOpen(teamId)).map(presentInvitation));
    })
    .delete("/teams/:team/invitations/:id", async (c) => {
      const teamId = await teamFor(store, c.get("caller"), c.req.param("team"), "owner");
      const invitation = await store.invitations.get(c.req.param("id"));
      if (!invitation || invitation.teamId !== teamId) throw invitationInvalid();
      await store.invitations.delete(invitation.id);
      return c.json({ revoked: invitation.id });
    })
    .post("/invitations/accept", async (c) => {
      const userId = requireUser(c.get("caller"));
      const { token } = await readJson(c, acceptInvitationBody);
      const invitation = await openInvitation(store, hashToken(token));
      if (!invitation || !(await acceptInvitation(store, invitation, userId))) throw invitationInvalid();
      const team = await store.teams.get(invitation.teamId);
      const member = await store.teams.member(invitation.teamId, userId);
      return c.json({ team: { id: invitation.teamId, name: team?.name, role: member?.role ?? invitation.role } });
    })
    .post("/tokens", async (c) => {
      const caller = c.get("caller");
      const userId = requireUser(caller);
      const body = await readJson(c, createTokenBody);
      const teamId = body.team ?? (caller.kind === "user" ? caller.defaultTeamId : null);
      const userRole = roleIn(caller, teamId);
      if (!teamId || !userRole) throw teamNotFound(body.team ?? "(default)");
      if (body.role && !roleAtLeast(userRole, body.role)) {
        throw new SlipwayError(
          "FORBIDDEN",
          `A token cannot have role ${body.role}: your role in this team is ${userRole}.`,
          `Pick a role up to ${userRole}.`,
        );
      }
      const token = `slw_${randomBytes(24).toString("base64url")}`;
      const record: ApiToken = {
        id: newId(),
        name: body.name,
        tokenHash: hashToken(token),
        createdAt: nowIso(),
        userId,
        teamId,
        role: body.role ?? userRole,
        expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000).toISOString() : null,
      };
      await store.tokens.create(record);
      // The only time the token is shown: the store keeps its hash.
      return c.json({ ...presentToken(record), token }, 201);
    })
    .get("/tokens", async (c) => {
      const userId = requireUser(c.get("caller"));
      return c.json((await store.tokens.listByUser(userId)).map(presentToken));
    })
    .delete("/tokens/:id", async (c) => {
      const userId = requireUser(c.get("caller"));
      const id = c.req.param("id");
      if (!(await store.tokens.delete(id, userId))) {
        throw new SlipwayError(
          "TOKEN_NOT_FOUND",
          `No API token with id "${id}".`,
          "List tokens with `slipway tokens ls`.",
        );
      }
      return c.json({ revoked: id });
    });
}

function requireUser(caller: Caller): string {
  if (caller.kind === "user") return caller.userId;
  throw new SlipwayError(
    "FORBIDDEN",
    "The admin token has no user: teams, invitations to accept and API tokens belong to users.",
    "Sign up at the dashboard (the first user owns the platform's projects), then use your own token.",
  );
}

/** The team id when the caller has at least `needed` in it; another team answers 404. */
async function teamFor(store: Store, caller: Caller, teamId: string, needed: (typeof TEAM_ROLES)[number]) {
  if (roleIn(caller, teamId) === null || !(await store.teams.get(teamId))) throw teamNotFound(teamId);
  requireRole(caller, teamId, needed);
  return teamId;
}

function teamNotFound(teamId: string): SlipwayError {
  return new SlipwayError("TEAM_NOT_FOUND", `No team with id "${teamId}".`, "List your teams with `slipway teams ls`.");
}

async function memberFor(store: Store, teamId: string, userId: string): Promise<TeamMember> {
  const member = await store.teams.member(teamId, userId);
  if (!member) {
    throw new SlipwayError("MEMBER_NOT_FOUND", `No member "${userId}" in this team.`, "List members first.");
  }
  return member;
}

/** Refuses to demote or remove the team's last owner: nobody could manage it any more. */
async function keepAnOwner(store: Store, member: TeamMember): Promise<void> {
  if (member.role !== "owner") return;
  const owners = (await store.teams.members(member.teamId)).filter((m) => m.role === "owner");
  if (owners.length <= 1) {
    throw new SlipwayError(
      "LAST_OWNER",
      `User "${member.userId}" is the team's last owner.`,
      "Make another member owner first.",
    );
  }
}

async function presentUser(store: Store, userId: string) {
  const user = await store.authRecords.get("user", userId);
  return { id: userId, email: (user?.email as string) ?? null, name: (user?.name as string) ?? null };
}

async function presentMember(store: Store, member: TeamMember) {
  const user = await presentUser(store, member.userId);
  return { userId: member.userId, email: user.email, name: user.name, role: member.role, since: member.createdAt };
}

function presentInvitation(i: Invitation) {
  return { id: i.id, teamId: i.teamId, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt };
}

function presentToken(t: ApiToken) {
  return { id: t.id, name: t.name, teamId: t.teamId, role: t.role, createdAt: t.createdAt, expiresAt: t.expiresAt };
}
