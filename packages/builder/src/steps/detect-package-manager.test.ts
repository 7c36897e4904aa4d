import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planInstall } from "./detect-package-manager.ts";

function repoWith(files: string[]): string {
  const repo = mkdtempSync(path.join(tmpdir(), "slipway-pm-"));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), "");
  }
  return repo;
}

describe("planInstall", () => {
  it.each([
    ["package-lock.json", "npm", "npm ci"],
    ["pnpm-lock.yaml", "pnpm", "pnpm install --frozen-lockfile"],
    ["yarn.lock", "yarn", "yarn install --frozen-lockfile"],
    ["bun.lock", "bun", "bun install --frozen-lockfile"],
  ])("%s → %s", (lockfile, manager, label) => {
    const repo = repoWith([lockfile]);
    const plan = planInstall(repo, repo, null);
    expect(plan).toMatchObject({ manager, label, dir: repo, lockfile: path.join(repo, lockfile) });
    expect(plan.command).toEqual({ argv: label.split(" ") });
  });

  it("falls back to npm install without a lockfile, and caches nothing", () => {
    const repo = repoWith(["package.json"]);
    expect(planInstall(repo, repo, null)).toMatchObject({ manager: "npm", label: "npm install", lockfile: null });
  });

  it("installs from the workspace root when the lockfile is above the app", () => {
    const repo = repoWith(["pnpm-lock.yaml", "apps/web/package.json"]);
    const plan = planInstall(path.join(repo, "apps/web"), repo, null);
    expect(plan).toMatchObject({ manager: "pnpm", dir: repo });
  });

  it("never looks above the repository", () => {
    const outer = repoWith(["package-lock.json", "repo/package.json"]);
    const repo = path.join(outer, "repo");
    expect(planInstall(repo, repo, null).lockfile).toBeNull();
  });

  it("runs the project's own install command through the shell, where the lockfile is", () => {
    const repo = repoWith(["yarn.lock", "web/package.json"]);
    const plan = planInstall(path.join(repo, "web"), repo, "  yarn install --immutable && yarn prisma generate ");
    expect(plan.command).toEqual({ shell: "yarn install --immutable && yarn prisma generate" });
    expect(plan).toMatchObject({
      manager: "yarn",
      dir: repo,
      label: "yarn install --immutable && yarn prisma generate",
    });
  });

  it("ignores a blank install command", () => {
    const repo = repoWith(["package-lock.json"]);
    expect(planInstall(repo, repo, "   ").label).toBe("npm ci");
  });

  it("installs with the resolved manager's exact command, which needs its own folder in the sandbox", () => {
    const repo = repoWith(["yarn.lock"]);
    const berry = { installArgv: ["yarn", "install", "--immutable"], readOnly: ["/cache/.package-managers/yarn"] };
    expect(planInstall(repo, repo, null, berry)).toMatchObject({
      manager: "yarn",
      command: { argv: ["yarn", "install", "--immutable"] },
      readOnly: ["/cache/.package-managers/yarn"],
    });
    // Without a lockfile there is nothing to be exact about.
    const bare = repoWith(["package.json"]);
    expect(planInstall(bare, bare, null, berry).label).toBe("npm install");
  });
});
