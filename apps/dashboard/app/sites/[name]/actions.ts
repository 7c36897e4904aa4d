"use server";
import { revalidatePath } from "next/cache";
import { act, api, type Outcome } from "../../../lib/api";

// Each action names its deployment in hidden fields; the API checks it belongs to the caller.
const field = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Deploys the head of the production branch (the API resolves it). */
export async function deploy(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/deployments", {
      params: { path: { name: field(form, "project") } },
      body: {},
    }),
    "Deployment queued",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}

export async function redeploy(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/deployments", {
      params: { path: { name: field(form, "project") } },
      body: { ref: field(form, "sha"), prod: field(form, "environment") === "production" },
    }),
    "Redeploy queued",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}

export async function promote(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/deployments/{id}/promote", { params: { path: { id: field(form, "id") } } }),
    "Promoted to production",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}

export async function rollback(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/rollback", {
      params: { path: { name: field(form, "project") } },
      body: { deploymentId: field(form, "id") },
    }),
    "Production rolled back",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}

export async function cancel(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/deployments/{id}/cancel", { params: { path: { id: field(form, "id") } } }),
    "Canceled",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}

/** Ends the running canary: all of production back on its production deployment (rollback with no id). */
export async function cancelCanary(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.POST("/api/v1/projects/{name}/rollback", {
      params: { path: { name: field(form, "project") } },
      body: {},
    }),
    "Canary cancelled",
  );
  revalidatePath(`/sites/${field(form, "project")}`);
  return outcome;
}
