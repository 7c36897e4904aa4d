import type { Metadata } from "next";
import { ActionForm } from "../../components/action-form";
import { FieldError, ValidatedForm } from "../../components/validated-form";
import { api, read } from "../../lib/api";
import { age } from "../../lib/format";
import { changeRole, createToken, invite, removeMember, revokeInvitation, revokeToken } from "./actions";

export const metadata: Metadata = { title: "Team" };

/** The team's members (owners change roles and remove) and open invitations, and the signed-in user's API tokens. */
export default async function TeamPage({
  searchParams,
}: {
  searchParams: Promise<{ team?: string; removed?: string }>;
}) {
  const client = await api();
  const me = await read(client.GET("/api/v1/me"));
  if (me.kind === "admin") {
    return (
      <section className="panel">
        <h1>Team</h1>
        <p>The admin token has no team. Create an account to get one: the first account owns the platform.</p>
      </section>
    );
  }
  const { team: wanted, removed } = await searchParams;
  const team = me.teams.find((t) => t.id === wanted) ?? me.teams[0];
  if (!team) return <p className="panel">You belong to no team yet: ask an owner for an invitation.</p>;
  const owner = team.role === "owner";
  const [members, invitations, tokens] = await Promise.all([
    read(client.GET("/api/v1/teams/{team}/members", { params: { path: { team: team.id } } })),
    owner
      ? read(client.GET("/api/v1/teams/{team}/invitations", { params: { path: { team: team.id } } }))
      : Promise.resolve([]),
    read(client.GET("/api/v1/tokens")),
  ]);
  // Said only when that member is gone indeed: the address alone proves nothing.
  const removedNow = removed !== undefined && !members.some((m) => m.userId === removed);
  const teamField = <input type="hidden" name="team" value={team.id} />;
  return (
    <>
      <h1>{team.name ?? "Team"}</h1>
      <p className="muted">
        Signed in as {me.user?.email} · your role: <strong>{team.role}</strong>
      </p>
      <h2>Members</h2>
      {removedNow ? (
        <p role="status" className="outcome ok">
          Member removed
        </p>
      ) : null}
      <table className="stack">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            {owner ? <th scope="col">Manage</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const who = m.email ?? m.userId;
            return (
              <tr key={m.userId}>
                <td data-label="Name">{m.name ?? "—"}</td>
                <td data-label="Email">{m.email ?? "—"}</td>
                <td data-label="Role">{m.role}</td>
                <td data-label="Since">{age(m.since)}</td>
                {owner ? (
                  <td data-label="Manage">
                    <ValidatedForm
                      form="changeRole"
                      action={changeRole}
                      label={`Change role of ${who}`}
                      busyLabel="Saving…"
                      primary={false}
                      inline
                    >
                      {teamField}
                      <input type="hidden" name="user" value={m.userId} />
                      <label htmlFor={`role-${m.userId}`} className="sr-only">
                        New role of {who}
                      </label>
                      <select
                        id={`role-${m.userId}`}
                        name="role"
                        defaultValue={m.role}
                        style={{ width: "auto" }}
                        aria-describedby={`role-${m.userId}-error`}
                      >
                        <option value="viewer">viewer</option>
                        <option value="member">member</option>
                        <option value="owner">owner</option>
                      </select>
                      <FieldError name="role" id={`role-${m.userId}-error`} />
                    </ValidatedForm>
                    <ActionForm action={removeMember} label={`Remove ${who}`} busyLabel="Removing…" danger>
                      {teamField}
                      <input type="hidden" name="user" value={m.userId} />
                    </ActionForm>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {owner ? (
        <>
          <h2>Invitations</h2>
          {invitations.length === 0 ? <p className="muted">No open invitations.</p> : null}
          <ul>
            {invitations.map((i) => (
              <li key={i.id} className="row">
                {i.role}, expires {i.expiresAt.slice(0, 10)}
                <ActionForm action={revokeInvitation} label="Revoke" busyLabel="Revoking…" danger>
                  {teamField}
                  <input type="hidden" name="id" value={i.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
          <ValidatedForm form="invite" action={invite} label="Create invitation link" busyLabel="Creating…">
            {teamField}
            <label htmlFor="invite-role">Role</label>
            <select
              id="invite-role"
              name="role"
              defaultValue="member"
              style={{ width: "auto" }}
              aria-describedby="invite-role-error"
            >
              <option value="member">member: deploys and changes settings</option>
              <option value="viewer">viewer: sees, cannot act</option>
              <option value="owner">owner: also manages the team</option>
            </select>
            <FieldError name="role" id="invite-role-error" />
          </ValidatedForm>
        </>
      ) : null}
      <h2>Your API tokens</h2>
      {tokens.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      <ul>
        {tokens.map((t) => (
          <li key={t.id} className="row">
            <strong>{t.name}</strong> {t.role}, created {age(t.createdAt)}
            {t.expiresAt ? `, expires ${t.expiresAt.slice(0, 10)}` : ", never expires"}
            <ActionForm action={revokeToken} label={`Revoke ${t.name}`} busyLabel="Revoking…" danger>
              <input type="hidden" name="id" value={t.id} />
            </ActionForm>
          </li>
        ))}
      </ul>
      <ValidatedForm form="createToken" action={createToken} label="Create token" busyLabel="Creating…">
        {teamField}
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          name="name"
          type="text"
          required
          placeholder="laptop CLI"
          aria-describedby="token-name-error"
        />
        <FieldError name="name" id="token-name-error" />
        <label htmlFor="token-role">Scope</label>
        <select
          id="token-role"
          name="role"
          defaultValue={team.role}
          style={{ width: "auto" }}
          aria-describedby="token-role-error"
        >
          <option value="viewer">viewer (read only)</option>
          <option value="member">member</option>
          <option value="owner">owner</option>
        </select>
        <FieldError name="role" id="token-role-error" />
        <label htmlFor="token-days">Expires after (days, empty: never)</label>
        <input
          id="token-days"
          name="expiresInDays"
          type="text"
          inputMode="numeric"
          aria-describedby="token-days-error"
        />
        <FieldError name="expiresInDays" id="token-days-error" />
      </ValidatedForm>
    </>
  );
}
