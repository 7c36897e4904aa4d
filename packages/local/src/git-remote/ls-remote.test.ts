import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractRepo, runGitRemoteContract } from "@slipway/core/contracts";
import { afterAll, beforeAll } from "vitest";
import { createLsRemoteGit } from "./ls-remote.ts";

// A real bare repository behind a file:// URL: `git ls-remote` runs for real, without a network.
let dir: string;
let repo: ContractRepo;
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: cwd,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.test",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.test",
    },
  }).trim();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-ls-remote-"));
  const work = join(dir, "work");
  const bare = join(dir, "site.git");
  git(dir, "init", "-q", "-b", "main", work);
  git(work, "commit", "-q", "--allow-empty", "-m", "one");
  const v1 = git(work, "rev-parse", "HEAD");
  git(work, "tag", "-a", "v1", "-m", "release one"); // annotated: a tag object of its own
  git(work, "commit", "-q", "--allow-empty", "-m", "two");
  const main = git(work, "rev-parse", "HEAD");
  git(dir, "clone", "-q", "--bare", work, bare);
  repo = { url: `file://${bare}`, main, v1 };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

runGitRemoteContract({
  name: "git-ls-remote",
  create: async () => createLsRemoteGit({ timeoutMs: 10_000 }),
  repo: async () => repo,
  missingRepoUrl: async () => `file://${join(dir, "missing.git")}`,
});
