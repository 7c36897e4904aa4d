"use server";
import { revalidatePath } from "next/cache";
import { act, api, type Outcome } from "../../lib/api";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const ROLES = ["owner", "member", "viewer"];

/** An invitation link to hand over (the API shows it once, like a token). */
export async function invite(_previous: Outcome, form: FormData): Promise<Outcome> {
  const role = text(form, "role");
  if (!ROLES.includes(role)) return { ok: false, message: `Unknown role "${role}".` };
  const client = await api();
  const call = client.POST("/api/v1/teams/{team}/invitations", {
    params: { path: { team: text(form, "team") } },
    body: { role, expiresInDays: 7 } as never,
  });
  const outcome = await act(call, "");
  revalidatePath("/team");
  if (!outcome?.ok) return outcome;
  const { data } = await call;
  return {
    ok: true,
    message: `Invitation link (valid 7 days, shown once): ${(data as unknown as { url: string }).url}`,
  };
}

export async function revokeInvitation(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/teams/{team}/invitations/{id}", {
      params: { path: { team: text(form, "team"), id: text(form, "id") } },
    }),
    "Invitation revoked",
  );
  revalidatePath("/team");
  return outcome;
}

/** The token is in the answer once: the store keeps only its hash. */
export async function createToken(_previous: Outcome, form: FormData): Promise<Outcome> {
  const name = text(form, "name");
  const role = text(form, "role");
  const days = Number(text(form, "expiresInDays") || "0");
  if (!name) return { ok: false, message: "Name the token (where it is used)." };
  const client = await api();
  const call = client.POST("/api/v1/tokens", {
    body: {
      name,
      team: text(form, "team"),
      ...(ROLES.includes(role) ? { role } : {}),
      ...(days > 0 ? { expiresInDays: days } : {}),
    } as never,
  });
  const outcome = await act(call, "");
  revalidatePath("/team");
  if (!outcome?.ok) return outcome;
  const { data } = await call;
  return {
    ok: true,
    message: `New token (copy it now, it is not shown again): ${(data as unknown as { token: string }).token}`,
  };
}

export async function revokeToken(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/tokens/{id}", { params: { path: { id: text(form, "id") } } }),
    "Token revoked",
  );
  revalidatePath("/team");
  return outcome;
}

export async function acceptInvitation(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  return act(
    client.POST("/api/v1/invitations/accept", { body: { token: text(form, "token") } as never }),
    "Joined the team",
  );
}

/** An owner changes a member's role (the API refuses to demote the last owner). */
export async function changeRole(_previous: Outcome, form: FormData): Promise<Outcome> {
  const role = text(form, "role");
  if (!ROLES.includes(role)) return { ok: false, message: `Unknown role "${role}".` };
  const client = await api();
  const outcome = await act(
    client.PATCH("/api/v1/teams/{team}/members/{user}", {
      params: { path: { team: text(form, "team"), user: text(form, "user") } },
      body: { role } as never,
    }),
    `Role changed to ${role}`,
  );
  revalidatePath("/team");
  return outcome;
}

export async function removeMember(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  const outcome = await act(
    client.DELETE("/api/v1/teams/{team}/members/{user}", {
      params: { path: { team: text(form, "team"), user: text(form, "user") } },
    }),
    "Member removed",
  );
  revalidatePath("/team");
  return outcome;
}
