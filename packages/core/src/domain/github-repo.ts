/**
 * `owner/repo` of a GitHub repository URL (https or ssh, with or without `.git`), or null for
 * repositories elsewhere. Owner and name keep to GitHub's characters, so the result is safe in
 * an API path.
 */
export function githubRepoOf(repoUrl: string): string | null {
  const match = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(repoUrl);
  return match ? `${match[1]}/${match[2]}` : null;
}
