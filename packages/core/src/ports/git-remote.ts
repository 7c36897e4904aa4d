import type { RepoCredential } from "../domain/repo-credentials.ts";

/** Reads refs of a remote repository (`git ls-remote` locally, GitHub's API later). */
export interface GitRemote {
  readonly name: string;
  /** The commit a branch or tag points at; null when the ref does not exist. */
  resolveRef(repoUrl: string, ref: string, credential: RepoCredential | null): Promise<string | null>;
}
