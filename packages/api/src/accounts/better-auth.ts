import { newId, nowIso, type Store } from "@slipway/core";
import { betterAuth } from "better-auth";
import { storeAdapter } from "./store-adapter.ts";

export interface AuthOptions {
  /** Signs session cookies; at least 32 characters, kept outside the database. */
  secret: string;
  /** The platform's own address (the dashboard and the API share it): cookies and Origin checks use it. */
  baseUrl: string;
  /** Other origins allowed to call with a session cookie (e.g. a dashboard dev server). */
  trustedOrigins?: readonly string[];
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth with email + password, its users and sessions kept through the Store port. Every
 * new user gets a team of their own, as its owner; the first one also gets every project the
 * admin token made before there were users.
 */
export function createAuth(store: Store, options: AuthOptions) {
  return betterAuth({
    baseURL: options.baseUrl,
    basePath: "/api/auth",
    secret: options.secret,
    trustedOrigins: [...(options.trustedOrigins ?? [])],
    database: storeAdapter(store.authRecords),
    emailAndPassword: { enabled: true, autoSignIn: true },
    telemetry: { enabled: false },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            const first = (await store.teams.count()) === 0;
            const team = { id: newId(), name: `${user.name || user.email}'s team`, createdAt: nowIso() };
            await store.teams.create(team, { teamId: team.id, userId: user.id, role: "owner", createdAt: nowIso() });
            if (first) await store.projects.assignUnowned(team.id);
          },
        },
      },
    },
  });
}
