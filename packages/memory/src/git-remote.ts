import { type GitRemote, SlipwayError } from "@slipway/core";

export type MemoryGitRemote = GitRemote & {
  /** Points a branch or tag of the repository at `url` to `sha`, creating the repository. */
  setRef(url: string, ref: string, sha: string): void;
};

/** Repositories as maps of refs; a URL no repository was made at is unreachable, as for git. */
export function createMemoryGitRemote(): MemoryGitRemote {
  const repos = new Map<string, Map<string, string>>();
  return {
    name: "memory",
    setRef(url, ref, sha) {
      const refs = repos.get(url) ?? new Map<string, string>();
      refs.set(ref, sha);
      repos.set(url, refs);
    },
    async resolveRef(repoUrl, ref) {
      const refs = repos.get(repoUrl);
      if (!refs) {
        throw new SlipwayError(
          "REPOSITORY_UNREACHABLE",
          `Cannot read ${repoUrl}: no such repository`,
          "Check the project's repository URL and that this machine can reach it.",
        );
      }
      return refs.get(ref) ?? null;
    },
  };
}
