"use client";
import { createProjectBody, envVarBody, updateProjectBody } from "@slipway/core/schemas";
import { type ReactNode, useActionState, useState } from "react";
import type { Outcome } from "../lib/api";

/**
 * A form checked in the browser with the schema the API validates with, then sent to a server
 * action that checks again: the first issue is shown at once, without a round trip.
 */
// By name: a schema cannot travel from a server component to the browser, its module can.
const SCHEMAS = { createProject: createProjectBody, updateProject: updateProjectBody, envVar: envVarBody } as const;

export function ValidatedForm({
  schema,
  fields,
  action,
  label,
  busyLabel,
  children,
}: {
  schema: keyof typeof SCHEMAS;
  fields: readonly string[];
  action: (previous: Outcome, form: FormData) => Promise<Outcome>;
  label: string;
  busyLabel: string;
  children: ReactNode;
}) {
  const [outcome, run, pending] = useActionState(action, null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      action={run}
      noValidate
      onSubmit={(event) => {
        const form = new FormData(event.currentTarget);
        const values: Record<string, string> = {};
        for (const name of fields) {
          const value = form.get(name);
          if (typeof value === "string" && value.trim() !== "") values[name] = value.trim();
        }
        const parsed = SCHEMAS[schema].safeParse(values);
        if (!parsed.success) {
          event.preventDefault();
          const issue = parsed.error.issues[0];
          setProblem(`${issue?.path.join(".") || "form"}: ${issue?.message ?? "bad value"}`);
        } else setProblem(null);
      }}
    >
      {children}
      <p>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? busyLabel : label}
        </button>
      </p>
      <output className={`outcome ${problem || !outcome?.ok ? "bad" : "ok"}`} aria-live="polite">
        {problem ?? outcome?.message ?? ""}
      </output>
    </form>
  );
}
