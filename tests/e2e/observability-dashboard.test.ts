import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, seriousViolations } from "./support/browser.ts";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { expectReady, startPlatform, type TestPlatform } from "./support/platform.ts";

const SITE = "obsdash";
const HOST = `${SITE}.localhost`;

// Issue 13: the dashboard's runtime logs, errors, metrics and usage pages in a real browser,
// against traffic sent to a deployed fixture through the edge.
describe("the dashboard's observability pages", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  let browser: Browser;
  let page: Page;
  /** Every request this file sends to the site: the metrics page must show exactly this many. */
  let sent = 0;
  const url = (path: string) => `${platform.apiUrl}${path}`;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    sent++;
    return edgeRequest(platform.edgePort, HOST, path, { headers });
  };

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
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" })).newPage();
    await page.goto(url("/sign-up"));
    await page.getByLabel("Name").fill("Olga Owner");
    await page.getByLabel("Email").fill("olga@example.com");
    await page.getByLabel("Password").fill("observability-pass-1");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(url("/"));
    // Usage before any site: the empty state.
    await page.goto(url("/usage"));
    await page.getByText("No sites yet").waitFor();
    await page.goto(url("/new"));
    await page.getByLabel(/^Name/).fill(SITE);
    await page.getByLabel("Repository URL").fill(repo.bare);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(url(`/sites/${SITE}/settings?created=1`));
    const deployed = await platform.cli(["deploy", "--project", SITE, "--json"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    await expectReady(platform, deployed.json());
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("shows a request in the live tail within seconds, and pauses and resumes it", async () => {
    await page.goto(url(`/sites/${SITE}/logs`));
    await page.getByRole("status").filter({ hasText: /^Live/ }).waitFor();
    const log = page.getByRole("log", { name: "Runtime log" });
    expect(await log.textContent()).not.toContain("dash-tail-1");
    const response = await get("/api/hello?from=dashboard", { "x-request-id": "dash-tail-1" });
    expect(response.status).toBe(200);
    const sentAt = Date.now();
    await log.getByText(/200 GET \/api\/hello\?from=dashboard .*\[dash-tail-1\]/).waitFor({ timeout: 5000 });
    expect(Date.now() - sentAt).toBeLessThan(5000);
    await check("runtime-logs");

    // Paused, nothing new shows; resumed, what came meanwhile arrives.
    await page.getByRole("button", { name: "Pause" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Paused/ })
      .waitFor();
    expect((await get("/api/hello?while=paused", { "x-request-id": "dash-paused-1" })).status).toBe(200);
    await page.getByRole("button", { name: "Resume" }).click();
    await log.getByText("[dash-paused-1]").waitFor({ timeout: 5000 });

    // A filter is a new tail: 5xx only, so the 200s are not in it.
    await page.goto(url(`/sites/${SITE}/logs?status=5xx&kind=request`));
    await page.getByRole("status").filter({ hasText: /^Live/ }).waitFor();
    expect(await log.textContent()).not.toContain("dash-tail-1");
  });

  it("groups the /api/boom errors by message with their count and an expandable stack", async () => {
    const responses = await Promise.all(
      [1, 2, 3].map((i) => get(`/api/boom?id=${i}`, { "x-request-id": `boom-${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    const group = page.locator("details.error-group").filter({ hasText: "Boom from the fixture" });
    const deadline = Date.now() + 15_000;
    // Errors are written off the request path in batches: read the page again until all three are in.
    for (;;) {
      await page.goto(url(`/sites/${SITE}/logs`));
      if ((await group.count()) === 1 && (await group.locator("summary").textContent())?.includes("3 times")) break;
      if (Date.now() > deadline) throw new Error("timed out waiting for the boom error group with 3 occurrences");
    }
    const stack = group.locator("pre");
    expect(await stack.isVisible()).toBe(false);
    await group.locator("summary").click();
    await stack.waitFor();
    expect(await stack.textContent()).toMatch(/Boom from the fixture[\s\S]*\n\s+at /);
    // The live tail shows the 500s too.
    await page.getByRole("log", { name: "Runtime log" }).getByText("[boom-3]").first().waitFor();
    await check("runtime-errors");
  });

  it("shows the number of requests sent on the metrics page, with charts and their numbers", async () => {
    const requests = page.locator("dl.facts dd").first();
    const deadline = Date.now() + 15_000;
    for (;;) {
      await page.goto(url(`/sites/${SITE}/metrics`));
      if ((await requests.textContent()) === String(sent)) break;
      if (Date.now() > deadline) throw new Error(`metrics show ${await requests.textContent()} requests, sent ${sent}`);
    }
    for (const chart of ["Requests", "Latency", "Error rate", "Cold starts"]) {
      await page.getByRole("img", { name: new RegExp(`^${chart} over the window`) }).waitFor();
    }
    await page.getByText(/The numbers, per step with traffic/).click();
    const rows = page.locator("table tbody tr");
    const counted = (await rows.locator('td[data-label="Requests"]').allTextContents()).map(Number);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(sent);
    await check("metrics");
    // The 24 h and 7 d windows count the same traffic.
    await page.goto(url(`/sites/${SITE}/metrics?since=7d`));
    await page.getByRole("link", { name: "7d", exact: true }).and(page.locator('[aria-current="page"]')).waitFor();
    expect(await requests.textContent()).toBe(String(sent));
  });

  it("shows usage with a projected AWS cost per line item and the price table's date", async () => {
    await page.goto(url(`/usage?site=${SITE}`));
    await page.getByRole("heading", { name: "Projected AWS cost" }).waitFor();
    const total = await page.getByText(/ for these 30d, about /).textContent();
    expect(total).toMatch(/at the prices of \d{4}-\d{2}-\d{2}/);
    const window = Number(/\$([\d.]+) for these/.exec(total ?? "")?.[1]);
    expect(window).toBeGreaterThan(0);
    const services = await page.locator('td[data-label="Service"]').allTextContents();
    expect(new Set(services)).toEqual(new Set(["Lambda", "CloudFront", "S3"]));
    await check("usage");

    // At phone width in dark mode, the pages still fit and pass axe.
    const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, colorScheme: "dark" });
    const cookies = await page.context().cookies();
    await phone.addCookies(cookies);
    const previous = page;
    page = await phone.newPage();
    for (const [path, name] of [
      [`/sites/${SITE}/metrics`, "metrics-phone-dark"],
      [`/sites/${SITE}/logs`, "runtime-logs-phone-dark"],
    ] as const) {
      await page.goto(url(path));
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
              .documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(375);
      await check(name);
    }
    await phone.close();
    page = previous;
  });
});
