"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { act, api, type Outcome, refused } from "../../../../lib/api";
import { checkForm, FORMS } from "../../../../lib/forms";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Every field is sent (lib/forms.ts): an emptied command goes back to the default. */
export async function saveSettings(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  const checked = checkForm(FORMS.updateProject, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  const outcome = await act(
    client.PATCH("/api/v1/projects/{name}", { params: { path: { name } }, body: checked.body }),
    "Saved; the next deployment builds with these settings",
  );
  revalidatePath(`/sites/${name}`, "layout");
  return outcome;
}

export async function rotateSecret(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/webhook/rotate", { params: { path: { name } } }),
    "New secret made: paste it into the repository's webhook settings",
  );
  revalidatePath(`/sites/${name}/settings`);
  return outcome;
}

/** Only when the name typed matches: deleting removes every deployment, URL and variable. */
export async function deleteProject(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  if (text(form, "confirm") !== name) return { ok: false, message: `Type "${name}" to confirm.` };
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/projects/{name}", { params: { path: { name } } }),
    "Removing the project",
  );
  if (!outcome?.ok) return outcome;
  revalidatePath("/");
  redirect("/");
}
