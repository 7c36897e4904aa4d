"use client";
import { createContext, type ReactNode, useActionState, useContext, useState } from "react";
import type { ZodType } from "zod";
import type { Outcome } from "../lib/api";
import { checkForm, FORMS, type FormDefinition, type FormName } from "../lib/forms";

/** The messages per field of the last check (the browser's, else the server's), for FieldError. */
const FieldProblems = createContext<Record<string, string>>({});

/**
 * A form checked in the browser with the schema the API validates with, then sent to a server
 * action that checks again with the same one (lib/forms.ts): the browser's verdict shows at once,
 * without a round trip, each message next to its field (FieldError) and the first beside the button.
 */
export function ValidatedForm({
  form: name,
  action,
  label,
  busyLabel,
  children,
  primary = true,
  inline = false,
  refusal,
}: {
  /** By name: a schema cannot travel from a server component to the browser, its module can. */
  form: FormName;
  action: (previous: Outcome, form: FormData) => Promise<Outcome>;
  label: string;
  busyLabel: string;
  children: ReactNode;
  primary?: boolean;
  /** The button right after the fields, not in a paragraph of its own (a table cell's form). */
  inline?: boolean;
  /** Set when the signed-in role may not do this: the button is off and says why (lib/role.ts). */
  refusal?: string | undefined;
}) {
  const [outcome, run, pending] = useActionState(action, null);
  const [problems, setProblems] = useState<{ summary: string; fields: Record<string, string> } | null>(null);
  const fields = problems?.fields ?? (outcome && !outcome.ok ? (outcome.fields ?? {}) : {});
  const button = (
    <button
      type="submit"
      className={primary ? "primary" : undefined}
      disabled={pending || refusal !== undefined}
      title={refusal}
    >
      {pending ? busyLabel : label}
    </button>
  );
  return (
    <form
      action={run}
      noValidate
      onSubmit={(event) => {
        const definition: FormDefinition<ZodType> = FORMS[name];
        const checked = checkForm(definition, new FormData(event.currentTarget));
        if (!checked.ok) {
          event.preventDefault();
          setProblems(checked.problems);
        } else setProblems(null);
      }}
    >
      <FieldProblems.Provider value={fields}>{children}</FieldProblems.Provider>
      {inline ? button : <p>{button}</p>}
      <output className={`outcome ${problems || !outcome?.ok ? "bad" : "ok"}`} aria-live="polite">
        {problems?.summary ?? outcome?.message ?? ""}
      </output>
    </form>
  );
}

/**
 * The schema's message for one field, placed next to it; the field names this `id` in its
 * aria-describedby, so a screen reader reads the message with the field.
 */
export function FieldError({ name, id }: { name: string; id: string }) {
  const message = useContext(FieldProblems)[name];
  return (
    <span id={id} className="field-error">
      {message ?? ""}
    </span>
  );
}
