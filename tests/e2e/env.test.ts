import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { runCli, startPlatform, type TestPlatform } from "./support/platform.ts";

const SECRET = "s3cr3t-value-9f8e7d";
const PLAIN_VALUES = ["hello-production", "hello-preview-branch", "public-hello-42", "dev-only-value"];

// Issue 5: env vars and secrets, end to end through the CLI, a real build and the edge.
describe("environment variables and secrets", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  /** Every API/CLI response body seen, to prove the secret never leaves the platform. */
  const seen: string[] = [];
  const cli = async (args: string[], input?: string) => {
    const result = await platform.cli(args, { input });
    seen.push(result.stdout, result.stderr);
    return result;
  };
  const page = async (host: string, path: string) => (await edgeRequest(platform.edgePort, host, path)).text;

  beforeAll(async () => {
    platform = await startPlatform();
    repo = await createFixtureRepo("next-app");
    expect((await cli(["projects", "create", "envapp", "--repo", repo.bare, "--json"])).code).toBe(0);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it("rejects bad keys, reserved names and unknown targets, naming them, and stores nothing", async () => {
    const cases: Array<[string[], string]> = [
      [["env", "add", "NODE_OPTIONS", "x", "--project", "envapp"], "NODE_OPTIONS"],
      [["env", "add", "SLIPWAY_URL", "x", "--project", "envapp"], "SLIPWAY_URL"],
      [["env", "add", "1BAD", "x", "--project", "envapp"], "1BAD"],
      [["env", "add", "GOOD", "x", "--project", "envapp", "--target", "staging"], "staging"],
    ];
    for (const [args, named] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toContain(named);
    }
    const big = await cli(["env", "add", "BIG", "--project", "envapp"], "x".repeat(70_000));
    expect(big.code).toBe(1);
    expect(big.stderr).toContain("BIG");
    expect((await cli(["env", "ls", "--project", "envapp", "--json"])).json()).toEqual([]);
  });

  it("sets variables per target, from stdin and from a file, and never shows a secret's value", async () => {
    expect(
      (await cli(["env", "add", "GREETING", "hello-production", "--project", "envapp", "--target", "production"])).code,
    ).toBe(0);
    const fromStdin = await cli(
      ["env", "add", "API_SECRET", "--project", "envapp", "--target", "production,preview", "--secret"],
      `${SECRET}\n`,
    );
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain("next deployment");
    const dotenv = join(repo.work, "..", "import.env");
    await (await import("node:fs/promises")).writeFile(dotenv, "# imported\nNEXT_PUBLIC_GREETING=public-hello-42\n");
    expect(
      (await cli(["env", "add", "--from-file", dotenv, "--project", "envapp", "--target", "production,preview"])).code,
    ).toBe(0);
    expect(
      (
        await cli([
          "env",
          "add",
          "GREETING",
          "hello-preview-branch",
          "--project",
          "envapp",
          "--target",
          "preview",
          "--branch",
          "feature-x",
        ])
      ).code,
    ).toBe(0);
    expect(
      (await cli(["env", "add", "DEV_ONLY", "dev-only-value", "--project", "envapp", "--target", "development"])).code,
    ).toBe(0);

    const listed = (await cli(["env", "ls", "--project", "envapp", "--json"])).json();
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "GREETING", value: "hello-production", targets: ["production"], branch: null }),
        expect.objectContaining({ key: "GREETING", value: "hello-preview-branch", branch: "feature-x" }),
        expect.objectContaining({ key: "API_SECRET", value: null, secret: true }),
        expect.objectContaining({ key: "NEXT_PUBLIC_GREETING", value: "public-hello-42" }),
      ]),
    );
  });

  it("writes the development values to .env.local with env pull, leaving secrets out", async () => {
    const file = join(repo.work, "..", ".env.local");
    expect((await cli(["env", "pull", file, "--project", "envapp"])).code).toBe(0);
    const content = await readFile(file, "utf8");
    expect(content).toContain("DEV_ONLY='dev-only-value'");
    expect(content).not.toContain("hello-production");
    expect(content).not.toContain(SECRET);
  });

  let production: { id: string };
  it("injects values at build and run time; secrets are masked in build and runtime logs", async () => {
    const deployed = await cli(["deploy", "--project", "envapp", "--json"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    production = deployed.json();
    const ssr = await page("envapp.localhost", "/ssr");
    expect(ssr).toContain("greeting:<!-- -->hello-production");
    expect(ssr).toContain("env:<!-- -->production");
    expect(ssr).toContain(`sha:<!-- -->${repo.head()}`);
    const api = JSON.parse(await page("envapp.localhost", "/api/hello"));
    expect(api).toMatchObject({ greeting: "hello-production", env: "production" });

    // NEXT_PUBLIC_ values are inlined into the client bundle at build time.
    const home = await page("envapp.localhost", "/");
    const chunks = [...home.matchAll(/\/_next\/static\/[^"?]+\.js/g)].map((m) => m[0]);
    const bundles = await Promise.all(chunks.map((c) => page("envapp.localhost", c)));
    expect(bundles.some((js) => js.includes("public-hello-42"))).toBe(true);

    const buildLog = (await cli(["logs", production.id])).stdout;
    expect(buildLog).toContain("build sees API_SECRET=***");
    expect(buildLog).not.toContain(SECRET);
    // The route handler printed the secret; the platform's runtime log masks it.
    await expect.poll(() => platform.output(), { timeout: 5_000 }).toContain("runtime sees API_SECRET=***");
    expect(platform.output()).not.toContain(SECRET);
  });

  it("gives previews the preview values, with branch overrides", async () => {
    await repo.commit("feature-x", { "feature.txt": "x" });
    const preview = await cli(["deploy", "--project", "envapp", "--ref", "feature-x", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.json()).toMatchObject({ environment: "preview" });
    const ssr = await page("envapp-git-feature-x.localhost", "/ssr");
    expect(ssr).toContain("greeting:<!-- -->hello-preview-branch");
    expect(ssr).toContain("env:<!-- -->preview");
  });

  it("keeps a deployment's values: changes apply to the next deployment, rollback restores the old ones", async () => {
    const changed = await cli([
      "env",
      "add",
      "GREETING",
      "hello-again",
      "--project",
      "envapp",
      "--target",
      "production",
    ]);
    expect(changed.stdout).toContain("next deployment");
    expect(await page("envapp.localhost", "/ssr")).toContain("greeting:<!-- -->hello-production");
    await repo.commit("main", { "second.txt": "2" });
    const second = await cli(["deploy", "--project", "envapp", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    expect(await page("envapp.localhost", "/ssr")).toContain("greeting:<!-- -->hello-again");
    expect((await cli(["rollback", "--project", "envapp", "--json"])).json()).toMatchObject({ id: production.id });
    expect(await page("envapp.localhost", "/ssr")).toContain("greeting:<!-- -->hello-production");
  });

  it("never returns the secret from the API and keeps no plaintext in the database", async () => {
    for (const path of [
      "/api/v1/projects/envapp/env",
      "/api/v1/projects/envapp/deployments",
      `/api/v1/deployments/${production.id}/logs`,
    ]) {
      seen.push(JSON.stringify((await platform.api("GET", path)).body));
    }
    for (const body of seen) expect(body).not.toContain(SECRET);
    const files = (await readdir(platform.dataDir)).filter((f) => f.startsWith("slipway.db"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = await readFile(join(platform.dataDir, file));
      for (const value of [SECRET, ...PLAIN_VALUES]) expect(bytes.includes(value), `${value} in ${file}`).toBe(false);
    }
  });

  it("removes a variable with env rm", async () => {
    expect((await cli(["env", "rm", "DEV_ONLY", "--project", "envapp"])).code).toBe(0);
    const missing = await cli(["env", "rm", "DEV_ONLY", "--project", "envapp"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("DEV_ONLY");
  });

  it("rotates the master key offline; every value still decrypts afterwards", async () => {
    const keyBefore = await readFile(join(platform.dataDir, "master.key"), "utf8");
    const refused = await runCli(["admin", "rotate-key", "--data-dir", platform.dataDir], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("running");
    await platform.stop();
    const rotated = await runCli(["admin", "rotate-key", "--data-dir", platform.dataDir, "--json"], {});
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.json().envVars).toBe(4); // GREETING twice, API_SECRET, NEXT_PUBLIC_GREETING
    expect(rotated.json().snapshots).toBeGreaterThanOrEqual(3);
    expect(await readFile(join(platform.dataDir, "master.key"), "utf8")).not.toBe(keyBefore);
    await platform.restart();
    const listed = (await cli(["env", "ls", "--project", "envapp", "--json"])).json();
    expect(listed.find((v: { key: string; branch: string | null }) => v.key === "GREETING" && !v.branch).value).toBe(
      "hello-again",
    );
    // A fresh worker decrypts the deployment's snapshot with the new key.
    expect(await page("envapp.localhost", "/ssr")).toContain("greeting:<!-- -->hello-production");
  });
});
