import { execFileSync } from "node:child_process";
import { cp, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./platform.ts";
import { scratchDir } from "./scratch.ts";

/** A bare git repository holding a fixture app, and a working copy to push more commits from. */
export interface FixtureRepo {
  bare: string;
  work: string;
  head(): string;
  /** Writes files, commits and pushes to `branch`; returns the new sha. */
  commit(branch: string, files: Record<string, string>, message?: string): Promise<string>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();

export async function createFixtureRepo(fixture: string): Promise<FixtureRepo> {
  const root = await scratchDir(`slipway-repo-${fixture}-`);
  const bare = join(root, "origin.git");
  const work = join(root, "work");
  await cp(join(REPO_ROOT, "fixtures", fixture), work, {
    recursive: true,
    filter: (src) => !/node_modules|\.next|\.open-next/.test(src),
  });
  git(root, "init", "--bare", "--initial-branch=main", bare);
  git(work, "init", "--initial-branch=main");
  git(work, "add", "-A");
  git(work, "commit", "-qm", `Initial ${fixture}`);
  git(work, "remote", "add", "origin", bare);
  git(work, "push", "-q", "origin", "main");
  return {
    bare,
    work,
    head: () => git(work, "rev-parse", "HEAD"),
    async commit(branch, files, message = "Change") {
      const current = git(work, "rev-parse", "--abbrev-ref", "HEAD");
      if (current !== branch) {
        const exists = git(work, "branch", "--list", branch) !== "";
        git(work, "checkout", "-q", ...(exists ? [branch] : ["-b", branch]));
      }
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        await import("node:fs/promises").then((fs) => fs.mkdir(dirname(full), { recursive: true }));
        await writeFile(full, content);
      }
      git(work, "add", "-A");
      git(work, "commit", "-qm", message);
      git(work, "push", "-q", "-f", "origin", branch);
      return git(work, "rev-parse", "HEAD");
    },
  };
}
