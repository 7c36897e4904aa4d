import { mkdir } from "node:fs/promises";
import { gitCredentialArgs, gitCredentialEnv, redactRepoUrl, validateRepoUrl, validateSha } from "@slipway/core";
import type { BuildContext } from "../context.ts";
import { buildGitEnv } from "../env.ts";
import { BuildFailure, explainFailure } from "../failure.ts";
import { run } from "../process/run.ts";

/**
 * Fetches exactly one commit into an empty repository. Runs on the host (it needs the network and
 * maybe a deploy key) but with a scrubbed env, no hooks, no credential prompts, and only the
 * transport the URL asked for enabled. A repository token reaches git through its environment
 * and Slipway's credential helper, never through argv (`ps` shows argv to every user).
 */
export async function cloneRepo(ctx: BuildContext): Promise<string> {
  const { repoUrl, repoCredential, sha } = ctx.request;
  const kind = validateRepoUrl(repoUrl);
  validateSha(sha);
  // Messages name the URL; one that still carried a token (a caller that did not split it) is redacted.
  const shown = redactRepoUrl(repoUrl);
  ctx.log.system(`▶ Cloning ${shown} at ${sha.slice(0, 12)}`);

  const dir = ctx.dirs.repo;
  await mkdir(dir, { recursive: true });
  const env = { ...buildGitEnv(ctx.dirs.home, ctx.options.gitEnv), ...gitCredentialEnv(repoCredential) };
  const flags = [...safety(kind), ...gitCredentialArgs(repoCredential)];
  const git = (...args: string[]) =>
    run({ argv: ["git", ...flags, ...args], cwd: dir, env, log: ctx.log, signal: ctx.signal });
  const must = async (what: string, ...args: string[]) => {
    ctx.log.clearTail();
    const outcome = await git(...args);
    if (outcome.kind === "aborted") throw new BuildFailure("aborted");
    if (outcome.kind !== "exited" || outcome.code !== 0) {
      const detail = explainFailure(ctx.log.stepOutput());
      throw new BuildFailure(`clone failed: ${what}${detail ? `: ${detail}` : ""}`);
    }
  };

  await must("git init", "init", "--quiet", dir);
  // Fetching one sha at depth 1 works on GitHub and most hosts; servers that refuse unadvertised
  // shas get a full fetch of their branches instead.
  const shallow = await git("fetch", "--quiet", "--depth", "1", "--no-tags", "--", repoUrl, sha);
  if (shallow.kind === "aborted") throw new BuildFailure("aborted");
  if (shallow.kind !== "exited" || shallow.code !== 0) {
    ctx.log.system("  the server refused a shallow fetch of the commit; fetching all branches");
    await must(
      `could not fetch ${shown}`,
      "fetch",
      "--quiet",
      "--no-tags",
      "--",
      repoUrl,
      "+refs/heads/*:refs/remotes/origin/*",
    );
  }
  await must(
    `commit ${sha} not found in ${shown}`,
    "-c",
    "advice.detachedHead=false",
    "checkout",
    "--quiet",
    "--detach",
    sha,
  );
  return dir;
}

/** `-c` flags that apply to every git call: no hooks, one transport (helpers: gitCredentialArgs). */
function safety(kind: ReturnType<typeof validateRepoUrl>): string[] {
  const transport = { https: "https", ssh: "ssh", scp: "ssh", file: "file" }[kind];
  return [
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "protocol.allow=never",
    "-c",
    `protocol.${transport}.allow=always`,
    "-c",
    "core.fsmonitor=false",
    "-c",
    "submodule.recurse=false",
  ];
}
