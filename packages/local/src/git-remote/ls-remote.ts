import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  type GitRemote,
  gitCredentialArgs,
  gitCredentialEnv,
  isSha,
  SlipwayError,
  scrubCredential,
} from "@slipway/core";

const run = promisify(execFile);

/**
 * Resolves branches with `git ls-remote`. URL and ref are argv entries after `--`, never shell
 * text; the project's URL was validated when the project was created. A credential reaches git
 * through its environment and a helper that reads it, never through argv (which `ps` shows).
 */
export function createLsRemoteGit(
  options: {
    timeoutMs?: number;
    /** Added to git's environment, e.g. GIT_SSL_CAINFO for a private git host. */
    env?: Record<string, string>;
  } = {},
): GitRemote {
  return {
    name: "git-ls-remote",
    async resolveRef(repoUrl, ref, credential) {
      const argv = [
        ...gitCredentialArgs(credential),
        "ls-remote",
        "--",
        repoUrl,
        `refs/heads/${ref}`,
        `refs/tags/${ref}`,
        // An annotated tag is an object of its own: its peeled line names the commit it tags.
        `refs/tags/${ref}^{}`,
      ];
      const { stdout } = await run("git", argv, {
        timeout: options.timeoutMs ?? 30_000,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          GIT_TERMINAL_PROMPT: "0",
          HOME: process.env.HOME ?? "/",
          ...options.env,
          ...gitCredentialEnv(credential),
        },
      }).catch((error: { stderr?: string; message: string }) => {
        const firstLine = (error.stderr ?? error.message).split("\n").find((l) => l.trim()) ?? "git ls-remote failed";
        // execFile's message repeats the command line; git's own may echo a URL: scrub both.
        const reason = scrubCredential(firstLine, credential);
        throw new SlipwayError(
          "REPOSITORY_UNREACHABLE",
          `Cannot read ${repoUrl}: ${reason.replace(/^fatal: /, "")}`,
          "Check the project's repository URL and that this machine can reach it.",
        );
      });
      const refs = new Map(stdout.split("\n").map((l) => [l.split("\t")[1]?.trim(), l.split("\t")[0]] as const));
      // A branch wins over a tag of the same name, as in `git checkout`.
      const sha = refs.get(`refs/heads/${ref}`) ?? refs.get(`refs/tags/${ref}^{}`) ?? refs.get(`refs/tags/${ref}`);
      return sha && isSha(sha) ? sha : null;
    },
  };
}
