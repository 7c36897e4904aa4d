import {
  changeRoleBody,
  createInvitationBody,
  createProjectBody,
  createTokenBody,
  envVarBody,
  updateProjectBody,
} from "@slipway/core/schemas";
import type { z } from "zod";

/**
 * Every validated form of the dashboard: how its fields become the API's body, and the schema the
 * API checks that body with (@slipway/core/schemas). The browser (ValidatedForm) and the server
 * action both go through `checkForm`, so both give the same verdict, field by field.
 */
const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};
/** An empty optional field is left out: the API's default applies. */
const optional = (form: FormData, name: string) => text(form, name) || undefined;
/** A number field: empty is left out, anything else goes to the schema as a number (or NaN, refused there). */
const count = (form: FormData, name: string) => (text(form, name) === "" ? undefined : Number(text(form, name)));

export const FORMS = {
  createProject: {
    schema: createProjectBody,
    values: (form: FormData) => ({
      name: text(form, "name"),
      repo: text(form, "repo"),
      branch: optional(form, "branch"),
      rootDir: optional(form, "rootDir"),
    }),
  },
  // Every field is sent: an emptied command goes back to the default (the API's rule for "").
  updateProject: {
    schema: updateProjectBody,
    values: (form: FormData) => ({
      branch: optional(form, "branch"),
      rootDir: text(form, "rootDir"),
      installCommand: text(form, "installCommand"),
      buildCommand: text(form, "buildCommand"),
      nodeVersion: optional(form, "nodeVersion"),
    }),
  },
  envVar: {
    schema: envVarBody,
    values: (form: FormData) => ({
      key: text(form, "key"),
      value: String(form.get("value") ?? ""),
      targets: form.getAll("targets").map(String),
      branch: text(form, "branch") || null,
      secret: form.get("secret") === "on",
    }),
  },
  invite: {
    schema: createInvitationBody,
    values: (form: FormData) => ({ role: text(form, "role"), expiresInDays: 7 }),
  },
  createToken: {
    schema: createTokenBody,
    values: (form: FormData) => ({
      name: text(form, "name"),
      team: optional(form, "team"),
      role: optional(form, "role"),
      expiresInDays: count(form, "expiresInDays"),
    }),
  },
  changeRole: {
    schema: changeRoleBody,
    values: (form: FormData) => ({ role: text(form, "role") }),
  },
} as const;

export type FormName = keyof typeof FORMS;

/** A form: how its fields become a body, and the schema that body must pass. */
export interface FormDefinition<S extends z.ZodType> {
  schema: S;
  values: (form: FormData) => unknown;
}

/** The schema's refusal, one message per field (the first for each), and one line for the form. */
export interface FormProblems {
  summary: string;
  fields: Record<string, string>;
}

export function checkForm<S extends z.ZodType>(
  definition: FormDefinition<S>,
  form: FormData,
): { ok: true; body: z.output<S> } | { ok: false; problems: FormProblems } {
  const parsed = definition.schema.safeParse(definition.values(form));
  if (parsed.success) return { ok: true, body: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fields[field] ??= issue.message;
  }
  const first = parsed.error.issues[0];
  return {
    ok: false,
    problems: { summary: `${first?.path.join(".") || "form"}: ${first?.message ?? "bad value"}`, fields },
  };
}
