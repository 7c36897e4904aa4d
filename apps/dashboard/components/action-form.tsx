"use client";
import { type ReactNode, useActionState } from "react";
import type { Outcome } from "../lib/api";

/**
 * A form whose server action answers with an outcome: the button says it is working while the
 * action runs, and the outcome is announced (role=status) beside it.
 */
export function ActionForm({
  action,
  label,
  busyLabel,
  children,
  danger = false,
  primary = false,
  refusal,
}: {
  action: (previous: Outcome, form: FormData) => Promise<Outcome>;
  label: string;
  busyLabel: string;
  children?: ReactNode;
  danger?: boolean;
  primary?: boolean;
  /** Set when the signed-in role may not do this: the button is off and says why (lib/role.ts). */
  refusal?: string | undefined;
}) {
  const [outcome, run, pending] = useActionState(action, null);
  return (
    <form action={run}>
      {children}
      <button
        type="submit"
        disabled={pending || refusal !== undefined}
        title={refusal}
        className={danger ? "danger" : primary ? "primary" : undefined}
      >
        {pending ? busyLabel : label}
      </button>
      <output className={`outcome ${outcome?.ok ? "ok" : "bad"}`} aria-live="polite">
        {outcome ? ` ${outcome.message}` : ""}
      </output>
    </form>
  );
}
