import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";
import { ORIGIN, sessionCookie, signIn, signUp } from "../testing/users.ts";

const admin = { authorization: "Bearer good-token", "content-type": "application/json" };
const repo = "https://github.com/acme/shop.git";

describe("sign-up, sign-in and the session on /api/v1", () => {
  it("makes the first user owner of a new team holding every project the admin token made", async () => {
    const { app } = await setupApi();
    await app.request("/api/v1/projects", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "shop", repo }),
    });
    const ada = await signUp(app, "ada@example.com");
    const me = (await (await ada.request("/api/v1/me")).json()) as {
      user: { email: string };
      teams: { role: string }[];
    };
    expect(me.user.email).toBe("ada@example.com");
    expect(me.teams).toEqual([expect.objectContaining({ role: "owner" })]);
    const projects = (await (await ada.request("/api/v1/projects")).json()) as { name: string }[];
    expect(projects.map((p) => p.name)).toEqual(["shop"]);
  });

  it("closes sign-up after the first user unless it is open or the request carries an invitation", async () => {
    const { app } = await setupApi();
    await signUp(app, "ada@example.com");
    await expect(signUp(app, "eve@example.com")).rejects.toThrow(/403.*SIGN_UP_CLOSED/);
    const open = (await setupApi({ openSignUp: true })).app;
    await signUp(open, "ada@example.com");
    const bob = await signUp(open, "bob@example.com");
    const teams = (await (await bob.request("/api/v1/teams")).json()) as { role: string }[];
    expect(teams).toEqual([expect.objectContaining({ role: "owner" })]);
  });

  it("signs in with the password, keeps the session across requests and ends it on sign-out", async () => {
    const { app } = await setupApi();
    await signUp(app, "ada@example.com");
    const wrong = await signIn(app, "ada@example.com", "not the password");
    expect(wrong.status).toBe(401);
    const response = await signIn(app, "ada@example.com");
    expect(response.status).toBe(200);
    const cookie = sessionCookie(response);
    const session = await app.request("/api/auth/get-session", { headers: { cookie } });
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe("ada@example.com");
    expect((await app.request("/api/v1/projects", { headers: { cookie } })).status).toBe(200);
    const out = await app.request("/api/auth/sign-out", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(out.status).toBe(200);
    expect((await app.request("/api/v1/projects", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a write with the session cookie from another origin or none, and accepts it from its own", async () => {
    const { app } = await setupApi();
    const ada = await signUp(app, "ada@example.com");
    const body = JSON.stringify({ name: "shop", repo });
    const post = (headers: Record<string, string>) =>
      app.request("/api/v1/projects", {
        method: "POST",
        headers: { cookie: ada.cookie, "content-type": "application/json", ...headers },
        body,
      });
    const crossSite = await post({ origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("evil.example"),
    });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: ORIGIN })).status).toBe(201);
  });
});
