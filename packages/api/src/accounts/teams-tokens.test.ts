import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";
import { signUp, type TestUser } from "../testing/users.ts";

const json = async <T>(response: Response | Promise<Response>) => (await (await response).json()) as T;
const teamOf = async (user: TestUser) => (await json<{ id: string }[]>(user.request("/api/v1/teams")))[0]?.id as string;
const bearer = (
  app: Awaited<ReturnType<typeof setupApi>>["app"],
  token: string,
  path: string,
  init: RequestInit = {},
) => app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });

describe("invitations", () => {
  it("joins the invited user with the link's role once; the link is then used up", async () => {
    const { app } = await setupApi();
    const ada = await signUp(app, "ada@example.com");
    const team = await teamOf(ada);
    const created = await json<{ url: string; token: string; role: string }>(
      ada.request(`/api/v1/teams/${team}/invitations`, { method: "POST", body: { role: "viewer" } }),
    );
    expect(created.url).toBe(`http://127.0.0.1:7300/invite/${created.token}`);
    expect(await json<unknown[]>(ada.request(`/api/v1/teams/${team}/invitations`))).toHaveLength(1);

    const vic = await signUp(app, "vic@example.com", created.token);
    const teams = await json<{ id: string; role: string }[]>(vic.request("/api/v1/teams"));
    expect(teams).toContainEqual(expect.objectContaining({ id: team, role: "viewer" }));
    await expect(signUp(app, "mallory@example.com", created.token)).rejects.toThrow(/INVITATION_INVALID/);
    expect(await json<unknown[]>(ada.request(`/api/v1/teams/${team}/invitations`))).toEqual([]);
    const members = await json<{ email: string; role: string }[]>(ada.request(`/api/v1/teams/${team}/members`));
    expect(members.map((m) => [m.email, m.role])).toEqual([
      ["ada@example.com", "owner"],
      ["vic@example.com", "viewer"],
    ]);
  });

  it("lets a signed-in user accept a link, and refuses a revoked one", async () => {
    const { app } = await setupApi({ openSignUp: true });
    const ada = await signUp(app, "ada@example.com");
    const bob = await signUp(app, "bob@example.com");
    const team = await teamOf(ada);
    const invite = () =>
      json<{ id: string; token: string }>(
        ada.request(`/api/v1/teams/${team}/invitations`, { method: "POST", body: { role: "member" } }),
      );
    const revoked = await invite();
    expect((await ada.request(`/api/v1/teams/${team}/invitations/${revoked.id}`, { method: "DELETE" })).status).toBe(
      200,
    );
    const refused = await bob.request("/api/v1/invitations/accept", { method: "POST", body: { token: revoked.token } });
    expect(refused.status).toBe(404);
    const { token } = await invite();
    const accepted = await bob.request("/api/v1/invitations/accept", { method: "POST", body: { token } });
    expect(await accepted.json()).toMatchObject({ team: { id: team, role: "member" } });
  });
});

describe("members", () => {
  it("changes roles and removes members, but never the last owner", async () => {
    const { app } = await setupApi({ openSignUp: true });
    const ada = await signUp(app, "ada@example.com");
    const team = await teamOf(ada);
    const { token } = await json<{ token: string }>(
      ada.request(`/api/v1/teams/${team}/invitations`, { method: "POST", body: { role: "member" } }),
    );
    const bob = await signUp(app, "bob@example.com", token);
    const demoteAda = await ada.request(`/api/v1/teams/${team}/members/${ada.id}`, {
      method: "PATCH",
      body: { role: "member" },
    });
    expect(demoteAda.status).toBe(409);
    expect(await demoteAda.json()).toMatchObject({ code: "LAST_OWNER" });
    const promote = await ada.request(`/api/v1/teams/${team}/members/${bob.id}`, {
      method: "PATCH",
      body: { role: "owner" },
    });
    expect(await promote.json()).toMatchObject({ role: "owner", email: "bob@example.com" });
    expect((await bob.request(`/api/v1/teams/${team}/members/${ada.id}`, { method: "DELETE" })).status).toBe(200);
    expect(await json<unknown[]>(ada.request("/api/v1/teams"))).toEqual([]);
  });
});

describe("API tokens", () => {
  it("shows a token once, acts as its user in its team with its role, and stops working when revoked", async () => {
    const { app } = await setupApi();
    const ada = await signUp(app, "ada@example.com");
    const team = await teamOf(ada);
    const created = await json<{ id: string; token: string; role: string; teamId: string }>(
      ada.request("/api/v1/tokens", { method: "POST", body: { name: "ci", role: "viewer" } }),
    );
    expect(created).toMatchObject({ role: "viewer", teamId: team });
    const listed = await json<Record<string, unknown>[]>(ada.request("/api/v1/tokens"));
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: "ci" })]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const me = await json<{ user: { email: string }; teams: { id: string; role: string }[] }>(
      bearer(app, created.token, "/api/v1/me"),
    );
    expect(me).toMatchObject({ user: { email: "ada@example.com" }, teams: [{ id: team, role: "viewer" }] });
    const write = await bearer(app, created.token, "/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "shop", repo: "https://github.com/a/s.git" }),
    });
    expect(write.status).toBe(403);

    expect((await ada.request(`/api/v1/tokens/${created.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await bearer(app, created.token, "/api/v1/me")).status).toBe(401);
  });

  it("refuses a role above the user's, and a token past its expiry", async () => {
    const { app, store } = await setupApi();
    const ada = await signUp(app, "ada@example.com");
    const team = await teamOf(ada);
    const { token } = await json<{ token: string }>(
      ada.request(`/api/v1/teams/${team}/invitations`, { method: "POST", body: { role: "viewer" } }),
    );
    const vic = await signUp(app, "vic@example.com", token);
    const tooHigh = await vic.request("/api/v1/tokens", { method: "POST", body: { name: "x", team, role: "member" } });
    expect(tooHigh.status).toBe(403);
    expect(await tooHigh.json()).toMatchObject({ message: expect.stringContaining("viewer") });

    const made = await json<{ id: string; token: string }>(
      ada.request("/api/v1/tokens", { method: "POST", body: { name: "short", expiresInDays: 1 } }),
    );
    const [record] = await store.tokens.listByUser(ada.id);
    await store.tokens.delete(made.id, ada.id);
    await store.tokens.create({ ...(record as NonNullable<typeof record>), expiresAt: "2020-01-01T00:00:00.000Z" });
    const expired = await bearer(app, made.token, "/api/v1/me");
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: expect.stringContaining("expired") });
  });

  it("shrinks a token to its user's current role: a member's token after demotion to viewer only reads", async () => {
    const { app } = await setupApi();
    const ada = await signUp(app, "ada@example.com");
    const team = await teamOf(ada);
    const { token: link } = await json<{ token: string }>(
      ada.request(`/api/v1/teams/${team}/invitations`, { method: "POST", body: { role: "member" } }),
    );
    const bob = await signUp(app, "bob@example.com", link);
    const { token } = await json<{ token: string }>(
      bob.request("/api/v1/tokens", { method: "POST", body: { name: "bob-ci", team } }),
    );
    await ada.request(`/api/v1/teams/${team}/members/${bob.id}`, { method: "PATCH", body: { role: "viewer" } });
    const me = await json<{ teams: { role: string }[] }>(bearer(app, token, "/api/v1/me"));
    expect(me.teams).toEqual([expect.objectContaining({ role: "viewer" })]);
  });
});
