"use client";
import { useActionState } from "react";
import { type AddOutcome, addDomain } from "../../app/domains/actions";

/**
 * Adds a domain to a site (or to the chosen one of several). The API's refusal is shown under
 * the field it is about, tied to it with aria-describedby, and what was typed is kept.
 */
export function AddDomainForm({ projects }: { projects: string[] }) {
  const [outcome, run, pending] = useActionState<AddOutcome, FormData>(addDomain, null);
  const failed = outcome && !outcome.ok ? outcome : null;
  const errorOf = (field: "hostname" | "redirectTo") =>
    failed?.field === field ? (
      <p id={`domain-${field}-error`} className="field-error" role="alert">
        {failed.message}
      </p>
    ) : null;
  return (
    <form action={run}>
      {projects.length === 1 ? (
        <input type="hidden" name="project" value={projects[0]} />
      ) : (
        <>
          <label htmlFor="domain-project">Site</label>
          <select id="domain-project" name="project" required style={{ width: "auto" }}>
            {projects.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="domain-hostname">Hostname</label>
      <input
        id="domain-hostname"
        name="hostname"
        type="text"
        required
        autoComplete="off"
        spellCheck={false}
        placeholder="www.example.com"
        defaultValue={failed?.hostname ?? ""}
        aria-invalid={failed?.field === "hostname"}
        aria-describedby={failed?.field === "hostname" ? "domain-hostname-error" : undefined}
      />
      {errorOf("hostname")}
      <label htmlFor="domain-redirect">Redirect to (optional: another domain of the site, e.g. the apex)</label>
      <input
        id="domain-redirect"
        name="redirectTo"
        type="text"
        autoComplete="off"
        spellCheck={false}
        defaultValue={failed?.redirectTo ?? ""}
        aria-invalid={failed?.field === "redirectTo"}
        aria-describedby={failed?.field === "redirectTo" ? "domain-redirectTo-error" : undefined}
      />
      {errorOf("redirectTo")}
      <p>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Adding…" : "Add domain"}
        </button>
      </p>
      <output className={`outcome ${outcome?.ok ? "ok" : "bad"}`} aria-live="polite">
        {outcome?.ok || (failed && failed.field === null) ? outcome?.message : ""}
      </output>
    </form>
  );
}
