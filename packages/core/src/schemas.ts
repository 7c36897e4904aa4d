import { z } from "zod";
import { TEAM_ROLES } from "./domain/model.ts";

/**
 * Request bodies of /api/v1, shared by the API (which validates every request with them) and the
 * dashboard's forms (which check before sending): one schema, the same verdict on both sides.
 * Pure zod, no Node APIs: the dashboard bundles this file for the browser. Deeper rules (a DNS
 * label, a safe root dir, a known Node version) are the use cases'; their errors name the value.
 */
export const createProjectBody = z.object({
  name: z.string({ error: "A name is required" }).min(1, "A name is required"),
  repo: z.string({ error: "A repository URL is required" }).min(1, "A repository URL is required"),
  branch: z.string().optional(),
  rootDir: z.string().optional(),
  installCommand: z.string().nullable().optional(),
  buildCommand: z.string().nullable().optional(),
  nodeVersion: z.string().optional(),
  /** The owning team's id; default: the caller's (a user token's team, a session's first team). */
  team: z.string().optional(),
});

// Strict: a misspelled field ("rootdir") is refused by name instead of silently changing nothing.
export const updateProjectBody = z
  .object({
    branch: z.string().optional(),
    rootDir: z.string().optional(),
    installCommand: z.string().nullable().optional(),
    buildCommand: z.string().nullable().optional(),
    nodeVersion: z.string().optional(),
  })
  .strict();

export const envVarBody = z.object({
  key: z.string({ error: "A key is required" }).min(1, "A key is required"),
  value: z.string(),
  targets: z.array(z.string()).default([]),
  branch: z.string().nullable().optional(),
  secret: z.boolean().optional(),
});

export const setEnvBody = z.object({ vars: z.array(envVarBody).min(1) });

const role = z.enum(TEAM_ROLES, { error: `A role is one of ${TEAM_ROLES.join(", ")}` });
const days = z
  .number({ error: "Days are a whole number" })
  .int("Days are a whole number")
  .min(1, "At least 1 day")
  .max(365, "At most 365 days");
export const createTeamBody = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export const changeRoleBody = z.object({ role }).strict();
export const createInvitationBody = z.object({ role: role.default("member"), expiresInDays: days.default(7) }).strict();
export const acceptInvitationBody = z.object({ token: z.string().min(1).max(200) }).strict();
export const createTokenBody = z
  .object({
    name: z
      .string({ error: "Name the token (where it is used)" })
      .trim()
      .min(1, "Name the token (where it is used)")
      .max(80, "At most 80 characters"),
    /** Default: the caller's default team. */
    team: z.string().optional(),
    /** Default (and at most): the user's role in the team. */
    role: role.optional(),
    /** Default: never expires. */
    expiresInDays: days.optional(),
  })
  .strict();

// The closed sets a form offers, from the domain model (no Node APIs there either).
export { DEPLOYMENT_STATUSES, ENV_TARGETS, ENVIRONMENTS, NODE_VERSIONS, TEAM_ROLES } from "./domain/model.ts";
