import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type GitRemote, SlipwayError } from "@slipway/core";

const run = promisify(execFile);

/**
 * Resolves branches with `git ls-remote`. URL and ref are argv entries after `--`, never shell
 * text; the project's URL was validated when the project was created.
 */
export function createLsRemoteGit(options: { timeoutMs?: number } = {}): GitRemote {
  return {
    name: "git-ls-remote",
    async resolveRef(repoUrl, ref) {
      const { stdout } = await run("git", ["ls-remote", "--", repoUrl, `refs/heads/${ref}`, `refs/tags/${ref}`], {
        timeout: options.timeoutMs ?? 30_000,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GIT_TERMINAL_PROMPT: "0", HOME: process.env.HOME ?? "/" },
      }).catch((error: { stderr?: string; message: string }) => {
        const reason = (error.stderr ?? error.message).split("\n").find((l) => l.trim()) ?? "git ls-remote failed";
        throw new SlipwayError(
          "REPOSITORY_UNREACHABLE",
          `Cannot read ${repoUrl}: ${reason.replace(/^fatal: /, "")}`,
          "Check the project's repository URL and that this machine can reach it.",
        );
      });
      const line = stdout.split("\n").find((l) => l.trim().length > 0);
      const sha = line?.split("\t")[0];
      return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : null;
    },
  };
}
