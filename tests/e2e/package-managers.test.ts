import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo } from "./support/git.ts";
import { expectReady, startPlatform, type TestPlatform } from "./support/platform.ts";

// Issue 10 / 17: a repository deploys with the package manager its lockfile names (fetched from
// the npm registry at the version `packageManager` or the lockfile implies), and an app inside a
// workspace deploys from its root directory, again after a redeploy that restores the cache.
// One build per fixture: each is a real install + next build + OpenNext.
const BUILD_TIMEOUT = 600_000;

describe("every package manager, and apps inside a workspace", () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  async function deploy(name: string, fixture: string | { bare: string }, rootDir?: string) {
    const repo = typeof fixture === "string" ? await createFixtureRepo(fixture) : fixture;
    if (typeof fixture === "string" || rootDir) {
      const created = await platform.cli([
        "projects",
        "create",
        name,
        "--repo",
        repo.bare,
        ...(rootDir ? ["--root-dir", rootDir] : []),
        "--json",
      ]);
      expect(created.code, created.stderr).toBe(0);
    }
    return redeploy(name);
  }

  async function redeploy(name: string) {
    const deployed = await platform.cli(["deploy", "--project", name, "--json"]);
    const deployment = deployed.json();
    await expectReady(platform, deployment);
    const log = (await platform.cli(["logs", deployment.id])).stdout;
    return { deployment, log };
  }

  const home = (name: string) => edgeRequest(platform.edgePort, `${name}.localhost`, "/");

  it.each([
    ["pnpm-app", "pnpm 9.15.9", "pnpm install --frozen-lockfile", "Installed with pnpm"],
    ["yarn-classic-app", "yarn 1.22.22", "yarn install --frozen-lockfile", "Installed with Yarn classic"],
    ["yarn-berry-app", "yarn 4.18.1", "yarn install --immutable", "Installed with Yarn berry"],
    ["bun-app", "bun 1.4.5", "bun install --frozen-lockfile", "Installed with bun"],
  ])(
    "deploys %s with %s and serves its page through the edge",
    async (fixture, version, command, text) => {
      const { log } = await deploy(fixture, fixture);
      expect(log).toContain(`✓ ${version} (from `);
      expect(log).toContain(`Installing dependencies with ${command}`);
      const page = await home(fixture);
      expect(page.status).toBe(200);
      expect(page.text).toContain(text);
    },
    BUILD_TIMEOUT,
  );

  describe("a Turborepo-style pnpm workspace with two apps and a shared package", () => {
    let repo: { bare: string };
    beforeAll(async () => {
      repo = await createFixtureRepo("monorepo");
    });

    it.each([
      ["web", "apps/web"],
      ["docs", "apps/docs"],
    ])(
      "deploys %s from its root directory, installing from the workspace root",
      async (name, rootDir) => {
        const { log } = await deploy(name, repo, rootDir);
        expect(log).toContain("Installing dependencies with pnpm install --frozen-lockfile");
        const page = await home(name);
        expect(page.status).toBe(200);
        expect(page.text).toContain(`${name} uses @repo/ui from the workspace`);
      },
      BUILD_TIMEOUT,
    );

    it(
      "redeploys an app from the dependency cache (the app's own node_modules included)",
      async () => {
        const { log } = await redeploy("web");
        expect(log).toContain("Restored dependencies from the build cache");
        const page = await home("web");
        expect(page.text).toContain("web uses @repo/ui from the workspace");
      },
      BUILD_TIMEOUT,
    );
  });
});
