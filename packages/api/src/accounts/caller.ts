import { SlipwayError, type Store, type TeamRole } from "@slipway/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { hashToken } from "../auth.ts";
import type { Auth } from "./better-auth.ts";
import { weakerRole } from "./roles.ts";

/** Who is calling: the platform's admin token (all access), or a user with a role per team. */
export type Caller =
  | { kind: "admin" }
  | {
      kind: "user";
      userId: string;
      /** "token": an API token scoped to one team; "session": a better-auth cookie, all the user's teams. */
      via: "token" | "session";
      /** The role in each team the call may act in. */
      teams: ReadonlyMap<string, TeamRole>;
      /** Where a new project goes when the request names no team. */
      defaultTeamId: string | null;
    };

export type CallerEnv = { Variables: { caller: Caller } };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Authenticates every /api/v1 request: a bearer token (admin or a user's), else a session cookie.
 * A cookie is sent by the browser on its own, so a write with one must come from the platform's
 * own origin (or a trusted one): another site cannot make a signed-in browser act.
 */
export function requireCaller(store: Store, auth: Auth | null, allowedOrigins: readonly string[]) {
  return createMiddleware<CallerEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const caller = header !== undefined ? await tokenCaller(store, header) : await sessionCaller(c, store, auth);
    if (caller.kind === "user" && caller.via === "session" && !SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      if (!origin || !allowedOrigins.includes(origin)) {
        throw new SlipwayError(
          "FORBIDDEN",
          `A ${c.req.method} with a session cookie from origin "${origin ?? "(none)"}" is refused.`,
          `Send it from ${allowedOrigins[0] ?? "the platform's address"}, or authenticate with an API token.`,
        );
      }
    }
    c.set("caller", caller);
    await next();
  });
}

async function tokenCaller(store: Store, header: string): Promise<Caller> {
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const found = token ? await store.tokens.findByHash(hashToken(token)) : null;
  if (!found || (found.expiresAt !== null && found.expiresAt <= new Date().toISOString())) {
    throw new SlipwayError(
      "UNAUTHORIZED",
      !token
        ? "The Authorization header is not `Bearer <token>`."
        : found
          ? `The API token "${found.name}" expired at ${found.expiresAt}.`
          : "The API token is not valid.",
      "Create a token with `slipway tokens create` (or use <data dir>/admin-token), then `slipway login`.",
    );
  }
  if (found.userId === null) return { kind: "admin" };
  const teams = new Map<string, TeamRole>();
  if (found.teamId && found.role) {
    // The user's role now, not when the token was made: a demoted or removed user's token shrinks too.
    const membership = await store.teams.member(found.teamId, found.userId);
    if (membership) teams.set(found.teamId, weakerRole(found.role, membership.role));
  }
  return { kind: "user", userId: found.userId, via: "token", teams, defaultTeamId: found.teamId };
}

async function sessionCaller(c: Context, store: Store, auth: Auth | null): Promise<Caller> {
  const session = auth && c.req.header("cookie") ? await auth.api.getSession({ headers: c.req.raw.headers }) : null;
  if (!session) {
    throw new SlipwayError(
      "UNAUTHORIZED",
      "An API token (Authorization: Bearer <token>) or a signed-in session is required.",
      "Sign in at the dashboard, or use a token via SLIPWAY_TOKEN or `slipway login`.",
    );
  }
  const memberships = await store.teams.listForUser(session.user.id);
  return {
    kind: "user",
    userId: session.user.id,
    via: "session",
    teams: new Map(memberships.map((m) => [m.team.id, m.role])),
    defaultTeamId: memberships[0]?.team.id ?? null,
  };
}
