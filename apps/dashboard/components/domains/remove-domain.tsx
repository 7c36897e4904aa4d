"use client";
import { useState } from "react";
import { removeDomain } from "../../app/domains/actions";
import { ActionForm } from "../action-form";

/** Removing a domain stops its HTTPS and routing at once: the first press only asks to confirm. */
export function RemoveDomain({ hostname, project }: { hostname: string; project: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Remove {hostname}
      </button>
    );
  }
  return (
    <fieldset className="confirm">
      <legend>Remove {hostname}? It stops answering on HTTPS and its certificate is dropped.</legend>
      <ActionForm action={removeDomain} label={`Yes, remove ${hostname}`} busyLabel="Removing…" danger>
        <input type="hidden" name="hostname" value={hostname} />
        <input type="hidden" name="project" value={project} />
      </ActionForm>
      {/* Focus lands on the safe choice: Enter twice never removes by accident. */}
      {/* biome-ignore lint/a11y/noAutofocus: the confirmation just appeared where the pressed button was */}
      <button type="button" autoFocus onClick={() => setAsking(false)}>
        Cancel
      </button>
    </fieldset>
  );
}
