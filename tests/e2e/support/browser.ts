import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "./platform.ts";

/** Debian's Chromium (`apt-get install chromium`, in .ci/run): playwright-core downloads no browser. */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("Chromium is not installed: apt-get install -y chromium");
  // --no-sandbox: the tests run as root, where Chromium refuses its own sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export const SCREENSHOTS = join(REPO_ROOT, "docs/screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (an empty list passes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Next streams a page's metadata: while a router.refresh() (the domains page following issuance)
  // is being applied, the document can be without its <title> for a moment. Check the settled page;
  // one that never gets a title still fails below.
  await page.waitForFunction('document.title !== ""', null, { timeout: 5_000 }).catch(() => undefined);
  const source = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
