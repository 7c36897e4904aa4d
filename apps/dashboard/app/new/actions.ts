"use server";
import type { ProjectView } from "@slipway/client";
import { createProjectBody } from "@slipway/core/schemas";
import { redirect } from "next/navigation";
import { act, api, type Outcome } from "../../lib/api";
import { formFields } from "../../lib/form";

/** The API checks again (a DNS-label name, a safe root dir); its refusal names the bad value. */
export async function createProject(_previous: Outcome, form: FormData): Promise<Outcome> {
  const parsed = createProjectBody.safeParse(formFields(form, ["name", "repo", "branch", "rootDir"]));
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Check the form" };
  const client = await api();
  const call = client.POST("/api/v1/projects", { body: parsed.data as never });
  const outcome = await act(call, "Created");
  if (!outcome?.ok) return outcome;
  const { data } = await call;
  redirect(`/sites/${(data as unknown as ProjectView).name}/settings?created=1`);
}
