import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, seriousViolations } from "./support/browser.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { startPlatform, type TestPlatform } from "./support/platform.ts";

// Issue 11: the dashboard in a real browser against a real `slipway up`: sign in, create a
// project, watch a real build live, open its URL, roll back, set env vars; every page checked by
// axe-core and saved to docs/screenshots/.
describe("the dashboard", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = (path: string) => `${platform.apiUrl}${path}`;
  const OWNER = { name: "Ada Owner", email: "ada@example.com", password: "correct-horse-battery" };
  const VIEWER = { name: "Vic Viewer", email: "vic@example.com", password: "viewer-password-42" };
  const STRANGER = { name: "Sam Stranger", email: "sam@example.com", password: "stranger-password-7" };

  async function signUp(on: Page, who: { name: string; email: string; password: string }) {
    await on.getByLabel("Name").fill(who.name);
    await on.getByLabel("Email").fill(who.email);
    await on.getByLabel("Password").fill(who.password);
    await on.getByRole("button", { name: "Create account" }).click();
  }

  /** Every page a user sees must have no serious or critical accessibility violation. */
  async function check(name: string) {
    await page.waitForLoadState("load");
    expect(await seriousViolations(page), name).toEqual([]);
    await screenshot(page, name);
  }

  beforeAll(async () => {
    [platform, repo, browser] = await Promise.all([
      startPlatform({ env: { SLIPWAY_OPEN_SIGNUP: "true" } }),
      createFixtureRepo("next-app"),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("sends a signed-out browser to sign-in, and refuses a wrong password", async () => {
    await page.goto(url("/"));
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await check("sign-in");
    // A page tried directly, signed out, is not rendered either.
    await page.goto(url("/sites/anything/env"));
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("signs up the first user, the owner, and shows the empty sites list", async () => {
    await page.goto(url("/sign-up"));
    await signUp(page, OWNER);
    await page.waitForURL(url("/"));
    await page.getByText("No sites yet.").waitFor();
    await check("sites-empty");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(url("/sign-in"));
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill("wrong-password-1");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.locator("output.outcome.bad").filter({ hasText: /\w/ }).waitFor();
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(url("/"));
  });

  it("creates a project, checking the form in the browser first, and shows the webhook", async () => {
    await page.goto(url("/new"));
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByText("name: A name is required").waitFor();
    await page.getByLabel(/^Name/).fill("Bad_Name");
    await page.getByLabel("Repository URL").fill(repo.bare);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByText('"Bad_Name"').waitFor();
    // React resets a form after its action answers: every field is filled again.
    await page.getByLabel(/^Name/).fill("shop");
    await page.getByLabel("Repository URL").fill(repo.bare);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(url("/sites/shop/settings?created=1"));
    await page.getByText("Project created.").waitFor();
    await page.getByText("/api/v1/webhooks/github/").waitFor();
    await check("new-project-webhook");
  });

  let firstId = "";

  it("deploys and follows the build log live until the deployment is ready, then opens its URL", async () => {
    await page.goto(url("/sites/shop"));
    await page.getByText("No deployments yet").waitFor();
    await page.getByRole("button", { name: "Deploy production branch" }).click();
    await page.getByText("Deployment queued").waitFor();
    const link = page.getByRole("link", { name: /^[a-z0-9]{10}$/ }).first();
    firstId = (await link.textContent()) ?? "";
    await link.click();
    await page.waitForURL(url(`/deployments/${firstId}`));
    // Live: lines arrive over SSE while the status is still moving.
    await page.getByText(/Following the build… [1-9]\d* lines/).waitFor({ timeout: 120_000 });
    await screenshot(page, "deployment-building");
    await page.locator(".badge.s-ready").first().waitFor({ timeout: 480_000 });
    await page.getByRole("heading", { name: "Build steps" }).waitFor();
    await check("deployment-ready");
    const site = await context.newPage();
    await site.goto((await page.getByRole("link", { name: /^http:\/\/shop-/ }).getAttribute("href")) ?? "");
    await site.getByRole("heading", { name: "Static home" }).waitFor();
    await site.close();
  });

  it("sets an env var and a secret, whose value is never shown", async () => {
    await page.goto(url("/sites/shop/env"));
    await page.getByText("No variables yet.").waitFor();
    await page.getByLabel("Key").fill("GREETING");
    await page.getByLabel("Value").fill("hello-from-the-dashboard");
    await page.getByRole("button", { name: "Save variable" }).click();
    await page.getByText("Saved GREETING").waitFor();
    await page.getByLabel("Key").fill("API_SECRET");
    await page.getByLabel("Value").fill("s3cr3t-dashboard-value");
    await page.getByRole("checkbox", { name: /Secret \(write-only/ }).check();
    await page.getByRole("button", { name: "Save variable" }).click();
    await page.getByText("Saved API_SECRET").waitFor();
    await page.reload();
    await page.getByText("secret (write-only)").waitFor();
    expect(await page.content()).not.toContain("s3cr3t-dashboard-value");
    expect(await page.content()).toContain("hello-from-the-dashboard");
    await check("env-vars");
  });

  it("deploys a new commit, then rolls production back to the first deployment", async () => {
    await repo.commit("main", {
      "app/page.js": "export default function Home() { return <main><h1>Second home</h1></main>; }\n",
    });
    await page.goto(url("/sites/shop"));
    await page.getByRole("button", { name: "Deploy production branch" }).click();
    await page.getByText("Deployment queued").waitFor();
    const production = `http://shop.localhost:${platform.edgePort}/`;
    const site = await context.newPage();
    // The second build goes live: production serves the new commit.
    await expect
      .poll(
        async () => {
          await site.goto(production);
          return site.locator("h1").textContent();
        },
        { timeout: 480_000, interval: 2000 },
      )
      .toBe("Second home");
    // Its page names the env keys the build saw (the ones set above), never a value.
    const [second] = (await platform.api("GET", "/api/v1/projects/shop/deployments?limit=1")).body as { id: string }[];
    await page.goto(url(`/deployments/${second?.id}`));
    const envList = page.getByRole("list", { name: "Environment variables this deployment was built with" });
    await envList.getByText("GREETING").waitFor();
    expect(await envList.textContent()).toContain("API_SECRET (secret)");
    expect(await page.content()).not.toContain("s3cr3t-dashboard-value");
    await page.goto(url("/sites/shop"));
    await check("deployments");
    const firstRow = page.getByRole("row").filter({ hasText: firstId });
    await firstRow.getByRole("button", { name: "Roll back to this" }).click();
    await page.getByText("Production rolled back").waitFor();
    await site.goto(production);
    expect(await site.locator("h1").textContent()).toBe("Static home");
    await site.close();
  });

  it("lists the site with its production status and latest deployment, and searches", async () => {
    await page.goto(url("/"));
    await page.getByRole("link", { name: "shop", exact: true }).waitFor();
    // Production is live, and the latest deployment (an API deploy: no commit message) is shown.
    await page.locator(".cards li").filter({ hasText: "Production: ready" }).filter({ hasText: "on main" }).waitFor();
    await check("sites");
    await page.getByLabel("Search").fill("nothing-like-it");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No site matches").waitFor();
  });

  it("edits build settings with the shared schema and rotates the webhook secret", async () => {
    await page.goto(url("/sites/shop/settings"));
    await page.getByLabel("Build command").fill("npm run build");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved; the next deployment").waitFor();
    const before = (await platform.api("GET", "/api/v1/projects/shop")).body.webhook.secret;
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("New secret made").waitFor();
    const after = (await platform.api("GET", "/api/v1/projects/shop")).body;
    expect(after.webhook.secret).not.toBe(before);
    expect(after.buildCommand).toBe("npm run build");
    await check("settings");
  });

  it("creates an API token shown once, which the CLI then uses", async () => {
    await page.goto(url("/team"));
    await page.getByLabel("Name", { exact: true }).fill("e2e CLI");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = await page.getByText(/New token \(copy it now/).textContent();
    const token = /(slw_\S+)/.exec(shown ?? "")?.[1] ?? "";
    expect(token).toMatch(/^slw_/);
    const listed = await platform.cli(["projects", "ls", "--json"], { env: { SLIPWAY_TOKEN: token } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json().map((p: { name: string }) => p.name)).toEqual(["shop"]);
    await page.reload();
    expect(await page.content()).not.toContain(token);
    await check("team");
  });

  it("invites a viewer, who sees the site but no action they may not take; the owner then promotes and removes them", async () => {
    await page.goto(url("/team"));
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const shown = await page.getByText(/Invitation link/).textContent();
    const link = /(http\S+\/invite\/\S+)/.exec(shown ?? "")?.[1] ?? "";
    expect(link).toContain("/invite/");
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(link);
    await viewer.getByRole("link", { name: "Create an account" }).click();
    await signUp(viewer, VIEWER);
    await viewer.waitForURL(url("/"));
    await viewer.getByRole("link", { name: "shop", exact: true }).click();
    // Every action on the site is off for a viewer, each saying which role it needs.
    const needsMember = /Needs the member role/;
    const deployButton = viewer.getByRole("button", { name: "Deploy production branch" });
    await deployButton.waitFor();
    for (const name of ["Deploy production branch", "Roll back to this", "Redeploy"]) {
      const button = viewer.getByRole("button", { name }).first();
      expect(await button.isDisabled(), name).toBe(true);
      expect(await button.getAttribute("title"), name).toMatch(needsMember);
    }
    await viewer.goto(url("/sites/shop/env"));
    for (const name of ["Save variable", "Import", "Remove GREETING"]) {
      expect(await viewer.getByRole("button", { name }).isDisabled(), name).toBe(true);
    }
    await viewer.goto(url("/sites/shop/settings"));
    for (const name of ["Save settings", "Rotate secret", "Delete project"]) {
      expect(await viewer.getByRole("button", { name }).isDisabled(), name).toBe(true);
    }
    // Their own account's team comes first on the team page: the owner's team is named by its id.
    const viewerCookie = (await viewerContext.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const me = (await (await fetch(url("/api/v1/me"), { headers: { cookie: viewerCookie } })).json()) as {
      teams: Array<{ id: string; role: string }>;
    };
    const shared = me.teams.find((t) => t.role === "viewer");
    await viewer.goto(url(`/team?team=${shared?.id}`));
    await viewer.getByText("your role: viewer").waitFor();
    expect(await viewer.getByRole("button", { name: /Change role of|Remove |Create invitation link/ }).count()).toBe(0);
    await screenshot(viewer, "team-viewer");
    expect(await seriousViolations(viewer)).toEqual([]);
    // The API still refuses a viewer's write, whatever a page shows.
    const refused = await fetch(url("/api/v1/projects/shop/env"), {
      method: "POST",
      headers: { cookie: viewerCookie, origin: platform.apiUrl, "content-type": "application/json" },
      body: JSON.stringify({ vars: [{ key: "VIEWER_WAS_HERE", value: "1" }] }),
    });
    expect(refused.status).toBe(403);
    expect(
      (await platform.api("GET", "/api/v1/projects/shop/env")).body.map((v: { key: string }) => v.key),
    ).not.toContain("VIEWER_WAS_HERE");
    // The owner makes the viewer a member on the team page: the same save now passes the role check.
    await page.goto(url("/team"));
    await page.getByLabel(`New role of ${VIEWER.email}`).selectOption("member");
    await page.getByRole("button", { name: `Change role of ${VIEWER.email}` }).click();
    await page.getByText(`Role of ${VIEWER.email} changed to member`).waitFor();
    await viewer.goto(url("/sites/shop/env"));
    await viewer.getByLabel("Key").fill("MEMBER_WAS_HERE");
    await viewer.getByLabel("Value").fill("1");
    await viewer.getByRole("button", { name: "Save variable" }).click();
    await viewer.getByText("Saved MEMBER_WAS_HERE").waitFor();
    // Removed from the team, the same account sees the site no more.
    await page.getByRole("button", { name: `Remove ${VIEWER.email}` }).click();
    await page.getByText("Member removed").waitFor();
    expect(await page.getByRole("cell", { name: VIEWER.email }).count()).toBe(0);
    await viewer.goto(url("/sites/shop"));
    await viewer.getByRole("heading", { name: "Not found" }).waitFor();
    await platform.api("DELETE", "/api/v1/projects/shop/env/MEMBER_WAS_HERE");
    await viewerContext.close();
  });

  it("shows a user of another team none of it, page by page", async () => {
    const strangerContext = await browser.newContext();
    const stranger = await strangerContext.newPage();
    await stranger.goto(url("/sign-up"));
    await signUp(stranger, STRANGER);
    await stranger.waitForURL(url("/"));
    await stranger.getByText("No sites yet.").waitFor();
    for (const path of ["/sites/shop", "/sites/shop/env", "/sites/shop/settings", `/deployments/${firstId}`]) {
      await stranger.goto(url(path));
      await stranger.getByRole("heading", { name: "Not found" }).waitFor();
      expect(await stranger.content(), path).not.toContain("hello-from-the-dashboard");
    }
    // The API behind the pages, with the stranger's session cookie: 404 for reads and writes alike.
    const cookie = (await strangerContext.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const origin = platform.apiUrl;
    for (const [method, path] of [
      ["GET", "/api/v1/projects/shop"],
      ["GET", `/api/v1/deployments/${firstId}/logs`],
      ["POST", "/api/v1/projects/shop/deployments"],
      ["POST", "/api/v1/projects/shop/webhook/rotate"],
    ] as const) {
      const response = await fetch(url(path), {
        method,
        headers: { cookie, origin, "content-type": "application/json" },
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    await strangerContext.close();
  });

  it("works at phone width and in dark mode", async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, colorScheme: "dark" });
    const cookies = await context.cookies();
    await phone.addCookies(cookies);
    const small = await phone.newPage();
    await small.goto(url("/sites/shop"));
    await small.getByRole("button", { name: "Deploy production branch" }).waitFor();
    // Nothing wider than the screen: the table folds into one column.
    expect(await small.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    const background = await small.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(14, 17, 22)");
    await small.screenshot({ path: "docs/screenshots/deployments-phone-dark.png", fullPage: true });
    expect(await seriousViolations(small)).toEqual([]);
    await phone.close();
  });
});
