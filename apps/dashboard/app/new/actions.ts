"use server";
import { redirect } from "next/navigation";
import { act, api, type Outcome, refused } from "../../lib/api";
import { checkForm, FORMS } from "../../lib/forms";

/** The API checks again (a DNS-label name, a safe root dir); its refusal names the bad value. */
export async function createProject(_previous: Outcome, form: FormData): Promise<Outcome> {
  const checked = checkForm(FORMS.createProject, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  let created = "";
  const outcome = await act(client.POST("/api/v1/projects", { body: checked.body }), (project) => {
    created = project.name;
    return "Created";
  });
  if (!outcome?.ok) return outcome;
  redirect(`/sites/${created}/settings?created=1`);
}
