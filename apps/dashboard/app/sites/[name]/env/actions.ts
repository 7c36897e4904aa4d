"use server";
import { parseEnv } from "node:util";
import { envVarBody } from "@slipway/core/schemas";
import { revalidatePath } from "next/cache";
import { act, api, type Outcome, refused } from "../../../../lib/api";
import { checkForm, FORMS } from "../../../../lib/forms";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

function targetsOf(form: FormData): string[] {
  return form.getAll("targets").map(String);
}

/** Adds or replaces one variable; a secret's value is write-only from here on. */
export async function setVar(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  const checked = checkForm(FORMS.envVar, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/env", { params: { path: { name } }, body: { vars: [checked.body] } }),
    `Saved ${checked.body.key}; it applies to the next deployment`,
  );
  revalidatePath(`/sites/${name}/env`);
  return outcome;
}

export async function removeVar(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  const key = text(form, "key");
  const branch = text(form, "branch");
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/projects/{name}/env/{key}", {
      params: { path: { name, key } },
      ...(branch ? { querySerializer: () => `branch=${encodeURIComponent(branch)}` } : {}),
    }),
    `Removed ${key}`,
  );
  revalidatePath(`/sites/${name}/env`);
  return outcome;
}

/** A .env file (pasted or uploaded) becomes one call: every variable for the chosen targets, or none. */
export async function importDotenv(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "project");
  const file = form.get("file");
  const uploaded = file instanceof File && file.size > 0 ? await file.text() : "";
  const source = uploaded || String(form.get("dotenv") ?? "");
  if (source.length > 256 * 1024) return { ok: false, message: "The file is over 256 KB; is it a .env file?" };
  const entries = Object.entries(parseEnv(source));
  if (entries.length === 0) return { ok: false, message: "No KEY=value line found." };
  const targets = targetsOf(form);
  const secret = form.get("secret") === "on";
  const vars = [];
  for (const [key, value] of entries) {
    const parsed = envVarBody.safeParse({ key, value, targets, secret });
    if (!parsed.success) return { ok: false, message: `${key}: ${parsed.error.issues[0]?.message ?? "bad value"}` };
    vars.push(parsed.data);
  }
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/env", { params: { path: { name } }, body: { vars } }),
    `Imported ${vars.length} variable${vars.length === 1 ? "" : "s"}`,
  );
  revalidatePath(`/sites/${name}/env`);
  return outcome;
}
