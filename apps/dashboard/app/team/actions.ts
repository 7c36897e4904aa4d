"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type Answer, act, api, type DataOf, type Outcome, refused } from "../../lib/api";
import { checkForm, FORMS } from "../../lib/forms";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Every team change: run the call, turn its answer into the outcome, show the page afresh. */
async function changeTeam<A extends Answer>(
  call: Promise<A>,
  success: string | ((data: DataOf<A>) => string),
): Promise<Outcome> {
  const outcome = await act(call, success);
  revalidatePath("/team");
  return outcome;
}

/** An invitation link to hand over (the API shows it once, like a token). */
export async function invite(_previous: Outcome, form: FormData): Promise<Outcome> {
  const checked = checkForm(FORMS.invite, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  return changeTeam(
    client.POST("/api/v1/teams/{team}/invitations", {
      params: { path: { team: text(form, "team") } },
      body: checked.body,
    }),
    (invitation) => `Invitation link (valid 7 days, shown once): ${invitation.url}`,
  );
}

export async function revokeInvitation(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  return changeTeam(
    client.DELETE("/api/v1/teams/{team}/invitations/{id}", {
      params: { path: { team: text(form, "team"), id: text(form, "id") } },
    }),
    "Invitation revoked",
  );
}

/** The token is in the answer once: the store keeps only its hash. */
export async function createToken(_previous: Outcome, form: FormData): Promise<Outcome> {
  const checked = checkForm(FORMS.createToken, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  return changeTeam(
    client.POST("/api/v1/tokens", { body: checked.body }),
    (created) => `New token (copy it now, it is not shown again): ${created.token}`,
  );
}

export async function revokeToken(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  return changeTeam(
    client.DELETE("/api/v1/tokens/{id}", { params: { path: { id: text(form, "id") } } }),
    "Token revoked",
  );
}

export async function acceptInvitation(_previous: Outcome, form: FormData): Promise<Outcome> {
  const client = await api();
  return changeTeam(
    client.POST("/api/v1/invitations/accept", { body: { token: text(form, "token") } }),
    (accepted) => `Joined the team${accepted.team.name ? ` ${accepted.team.name}` : ""}`,
  );
}

/** An owner changes a member's role (the API refuses to demote the last owner). */
export async function changeRole(_previous: Outcome, form: FormData): Promise<Outcome> {
  const checked = checkForm(FORMS.changeRole, form);
  if (!checked.ok) return refused(checked.problems);
  const client = await api();
  return changeTeam(
    client.PATCH("/api/v1/teams/{team}/members/{user}", {
      params: { path: { team: text(form, "team"), user: text(form, "user") } },
      body: checked.body,
    }),
    (member) => `Role of ${member.email ?? member.userId} changed to ${member.role}`,
  );
}

/**
 * The removed member's row (and this form's outcome with it) leaves the page: the page itself
 * says so instead, told by the address which member went.
 */
export async function removeMember(_previous: Outcome, form: FormData): Promise<Outcome> {
  const team = text(form, "team");
  const user = text(form, "user");
  const client = await api();
  const outcome = await changeTeam(
    client.DELETE("/api/v1/teams/{team}/members/{user}", { params: { path: { team, user } } }),
    "Member removed",
  );
  if (!outcome?.ok) return outcome;
  redirect(`/team?${new URLSearchParams({ team, removed: user })}`);
}
