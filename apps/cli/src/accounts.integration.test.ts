import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS_ORIGIN, runCli, startTestApi, type TestApi } from "./test-support/api-server.ts";

// The real `slipway` binary signs in with a user's token made through the API (SQLite store).
let api: TestApi;
let home: string;
let userToken: string;
beforeAll(async () => {
  api = await startTestApi();
  home = await mkdtemp(join(tmpdir(), "slipway-login-"));
  const signUp = await fetch(`${api.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ACCOUNTS_ORIGIN },
    body: JSON.stringify({ email: "ada@example.com", password: "correct horse battery", name: "Ada" }),
  });
  expect(signUp.status).toBe(200);
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await fetch(`${api.url}/api/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ACCOUNTS_ORIGIN, cookie },
    body: JSON.stringify({ name: "laptop" }),
  });
  userToken = ((await created.json()) as { token: string }).token;
});
afterAll(async () => {
  await api.close();
  await rm(home, { recursive: true, force: true });
});

/** The CLI with a config home of its own and no SLIPWAY_TOKEN: it uses what `login` saved. */
const cli = (args: string[]) => runCli(args, { SLIPWAY_URL: api.url, XDG_CONFIG_HOME: home });

describe("slipway login, whoami, tokens, teams, invite", () => {
  it("refuses a bad token without saving it, then logs in with a user's token and says who", async () => {
    const bad = await cli(["login", "--token", "slw_not-a-token"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("The API token is not valid.");
    await expect(readFile(join(home, "slipway", "credentials.json"), "utf8")).rejects.toThrow();

    const good = await cli(["login", "--token", userToken]);
    expect(good).toMatchObject({ code: 0, stderr: "" });
    expect(good.stdout).toContain("as ada@example.com");
    const whoami = await cli(["whoami", "--json"]);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ kind: "user", user: { email: "ada@example.com" } });
  });

  it("creates a token shown once, lists it without the secret, and revokes it", async () => {
    await cli(["login", "--token", userToken]);
    const created = await cli(["tokens", "create", "ci", "--role", "viewer", "--days", "30"]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^slw_/);
    expect(created.stderr).toContain("shown once");
    const listed = JSON.parse((await cli(["tokens", "ls", "--json"])).stdout) as { id: string; name: string }[];
    const ci = listed.find((t) => t.name === "ci");
    expect(ci).toMatchObject({ role: "viewer" });
    expect(JSON.stringify(listed)).not.toContain(token);

    const asViewer = await runCli(["projects", "create", "nope", "--repo", "https://github.com/a/b.git"], {
      SLIPWAY_URL: api.url,
      SLIPWAY_TOKEN: token,
    });
    expect(asViewer.code).toBe(1);
    expect(asViewer.stderr).toContain("you need member");

    expect((await cli(["tokens", "rm", ci?.id as string])).code).toBe(0);
    const revoked = await runCli(["whoami"], { SLIPWAY_URL: api.url, SLIPWAY_TOKEN: token });
    expect(revoked.code).toBe(1);
  });

  it("lists teams and prints an invitation link", async () => {
    await cli(["login", "--token", userToken]);
    const teams = JSON.parse((await cli(["teams", "ls", "--json"])).stdout) as { role: string }[];
    expect(teams).toEqual([expect.objectContaining({ role: "owner" })]);
    const invite = await cli(["invite", "--role", "viewer"]);
    expect(invite.code).toBe(0);
    expect(invite.stdout).toMatch(/^http:\/\/127\.0\.0\.1:7300\/invite\/slwi_\S+\n\(role viewer, single use/);
  });
});
