"use server";
import type { ApiErrorView } from "@slipway/client";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { act, api, type Outcome } from "../../lib/api";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Both pages that list domains: the overall one and the site's own. */
function refresh(project: string) {
  revalidatePath("/domains");
  if (project) revalidatePath(`/sites/${project}/domains`);
}

/** An add's outcome also says which field a refusal is about, and what was typed, to show it there again. */
export type AddOutcome =
  | { ok: true; message: string }
  | { ok: false; message: string; field: "hostname" | "redirectTo" | null; hostname: string; redirectTo: string }
  | null;

export async function addDomain(_previous: AddOutcome, form: FormData): Promise<AddOutcome> {
  const project = text(form, "project");
  const hostname = text(form, "hostname");
  const redirectTo = text(form, "redirectTo");
  const typed = { hostname, redirectTo };
  if (!project) return { ok: false, message: "Choose the site the domain serves.", field: null, ...typed };
  if (!hostname) return { ok: false, message: "Enter a hostname, e.g. www.example.com.", field: "hostname", ...typed };
  const client = await api();
  const { data, error, response } = await client.POST("/api/v1/domains", {
    body: { hostname, project, ...(redirectTo ? { redirectTo } : {}) },
  });
  if (response.status === 401) redirect("/sign-in");
  if (!response.ok || !data) {
    const body = error as ApiErrorView;
    const message = body.hint ? `${body.message} ${body.hint}` : body.message;
    // The API names the bad value: a refusal that quotes the redirect target (and not the
    // hostname) is about that field; every other one is about the hostname.
    const aboutRedirect =
      redirectTo !== "" && body.message.includes(redirectTo) && !body.message.includes(`"${hostname}"`);
    return { ok: false, message, field: aboutRedirect ? "redirectTo" : "hostname", ...typed };
  }
  refresh(project);
  return { ok: true, message: `Added ${data.hostname}: set its DNS records, then verify.` };
}

/** Checks the records now; a verified domain goes on to get its certificate by itself. */
export async function verifyDomain(_previous: Outcome, form: FormData): Promise<Outcome> {
  const hostname = text(form, "hostname");
  const client = await api();
  let verified = false;
  const outcome = await act(
    client.POST("/api/v1/domains/{hostname}/verify", { params: { path: { hostname } } }),
    (found) => {
      verified = found.verified;
      return found.verified
        ? `${hostname} is verified: its certificate is being issued.`
        : `Not verified yet: ${found.reason ?? "the records are not there yet."}`;
    },
  );
  refresh(text(form, "project"));
  // An answered check that found no records is not a success for the person who asked.
  return outcome?.ok && !verified ? { ok: false, message: outcome.message } : outcome;
}

export async function removeDomain(_previous: Outcome, form: FormData): Promise<Outcome> {
  const hostname = text(form, "hostname");
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/domains/{hostname}", { params: { path: { hostname } } }),
    `Removed ${hostname}`,
  );
  refresh(text(form, "project"));
  return outcome;
}
