import { expect } from "vitest";
import type { GitRemote } from "../git-remote.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

/** A repository the rig made: its URL, and what its refs point at. */
export interface ContractRepo {
  url: string;
  /** `main` → its commit. */
  main: string;
  /** The tag `v1` (annotated, where the host has them) → the commit it names, older than main's. */
  v1: string;
}

export interface GitRemoteContractOptions extends ContractOptions<GitRemote> {
  /** A repository with a `main` branch and a `v1` tag, reachable by the adapter without credentials. */
  repo: (subject: GitRemote) => Promise<ContractRepo>;
  /** A URL where no repository answers. */
  missingRepoUrl: (subject: GitRemote) => Promise<string>;
}

/** The GitRemote contract: `git ls-remote`, GitHub's API… run these. */
export function runGitRemoteContract(options: GitRemoteContractOptions): void {
  defineContract<GitRemote>(
    "GitRemote",
    options,
    async () => {},
    (test) => {
      test("resolveRef of a branch returns its commit", async (git) => {
        const repo = await options.repo(git);
        expect(await git.resolveRef(repo.url, "main", null)).toBe(repo.main);
      });

      test("resolveRef of a tag returns the commit it names", async (git) => {
        const repo = await options.repo(git);
        expect(await git.resolveRef(repo.url, "v1", null)).toBe(repo.v1);
      });

      test("resolveRef of an unknown ref is null", async (git) => {
        const repo = await options.repo(git);
        expect(await git.resolveRef(repo.url, "no-such-branch", null)).toBeNull();
      });

      // deployRef resolves a full sha itself; an adapter must never map one to another commit.
      test("resolveRef of a full sha is null or that sha, never another commit", async (git) => {
        const repo = await options.repo(git);
        expect([null, repo.v1]).toContain(await git.resolveRef(repo.url, repo.v1, null));
      });

      test("resolveRef against a missing repository fails with an error naming it", async (git) => {
        const url = await options.missingRepoUrl(git);
        await expect(git.resolveRef(url, "main", null)).rejects.toThrow(url);
      });
    },
  );
}
