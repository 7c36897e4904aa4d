import {
  displayRepoUrl,
  type GitRemote,
  githubRepoOf,
  isSha,
  repoToken,
  SlipwayError,
  validateBranchName,
} from "@slipway/core";

export interface GithubGitRemoteOptions {
  /** https://api.github.com, or a GitHub Enterprise / test server. */
  apiUrl?: string;
  /** Used when the project has no credential of its own (a token that can read its repositories). */
  token?: string;
  /** @default 10000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** An annotated tag may tag another tag; real chains are one or two long. */
const MAX_TAG_DEPTH = 5;

/**
 * Resolves refs through GitHub's REST API: the AWS target's step functions run in Lambda, where
 * there is no git to run `ls-remote`. A branch wins over a tag of the same name (as with
 * `git checkout`), an annotated tag is peeled to its commit, a full sha is confirmed to exist.
 * Repositories outside GitHub are refused with an error naming the URL.
 */
export function createGithubGitRemote(options: GithubGitRemoteOptions = {}): GitRemote {
  const apiUrl = (options.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
  const doFetch = options.fetch ?? fetch;

  return {
    name: "github-api",
    async resolveRef(repoUrl, ref, credential) {
      const repo = githubRepoOf(repoUrl);
      const shown = displayRepoUrl(repoUrl, credential !== null);
      if (!repo) {
        throw new SlipwayError(
          "INVALID_INPUT",
          `Cannot read ${shown}: the AWS target resolves refs through GitHub's API, and this is not a GitHub repository`,
          "Use a repository on github.com.",
        );
      }
      const token = credential ? repoToken(credential) : options.token;
      const get = async (path: string): Promise<Record<string, unknown> | null> => {
        const response = await doFetch(`${apiUrl}/repos/${repo}${path}`, {
          headers: {
            accept: "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            "user-agent": "slipway",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        }).catch((error: unknown) => {
          throw unreachable(shown, error instanceof Error ? error.message : String(error));
        });
        if (response.status === 404 || response.status === 422) return null;
        if (!response.ok) throw unreachable(shown, `GitHub answered ${response.status}`);
        return (await response.json()) as Record<string, unknown>;
      };

      const found = isSha(ref) ? ((await get(`/commits/${ref}`))?.sha ?? null) : await refCommit(get, ref);
      if (found !== null) return typeof found === "string" && isSha(found) ? found : null;
      // A missing ref and a missing (or hidden) repository both answer 404: tell them apart.
      if ((await get("")) === null) {
        throw unreachable(shown, "repository not found (or the token cannot read it)");
      }
      return null;
    },
  };
}

type Get = (path: string) => Promise<Record<string, unknown> | null>;

async function refCommit(get: Get, ref: string): Promise<string | null> {
  // git's ref rules (no `..`, no empty segment): the ref becomes part of an API path.
  const name = validateBranchName(ref).split("/").map(encodeURIComponent).join("/");
  const branch = objectOf(await get(`/git/ref/heads/${name}`));
  if (branch) return branch.sha;
  let target = objectOf(await get(`/git/ref/tags/${name}`));
  for (let depth = 0; target?.type === "tag" && depth < MAX_TAG_DEPTH; depth++) {
    target = objectOf(await get(`/git/tags/${target.sha}`));
  }
  return target?.type === "commit" ? target.sha : null;
}

/** The `object` of a ref or tag answer; null when the ref is absent or the answer is not one. */
function objectOf(body: Record<string, unknown> | null): { sha: string; type: string } | null {
  const object = body?.object as { sha?: unknown; type?: unknown } | undefined;
  if (typeof object?.sha !== "string" || typeof object.type !== "string" || !isSha(object.sha)) return null;
  return { sha: object.sha, type: object.type };
}

function unreachable(shown: string, reason: string): SlipwayError {
  return new SlipwayError(
    "REPOSITORY_UNREACHABLE",
    `Cannot read ${shown}: ${reason}`,
    "Check the project's repository URL and that the token can read it.",
  );
}
