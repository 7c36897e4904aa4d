import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ContractRepo, runGitRemoteContract } from "@slipway/core/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubGitRemote } from "./git-remote.ts";

// A stand-in for GitHub's REST API (the border that cannot run here), answering the documented
// shapes of GET /repos/{owner}/{repo}, /git/ref/{heads|tags}/{name}, /git/tags/{sha} and
// /commits/{sha} for one repository, acme/site.
const MAIN = "1".repeat(40);
const V1 = "2".repeat(40);
const TAG_V1 = "3".repeat(40);
const TAG_NESTED = "4".repeat(40);
const routes: Record<string, unknown> = {
  "/repos/acme/site": { full_name: "acme/site" },
  "/repos/acme/site/git/ref/heads/main": { ref: "refs/heads/main", object: { sha: MAIN, type: "commit" } },
  "/repos/acme/site/git/ref/heads/feature/x": { ref: "refs/heads/feature/x", object: { sha: V1, type: "commit" } },
  "/repos/acme/site/git/ref/tags/v1": { ref: "refs/tags/v1", object: { sha: TAG_V1, type: "tag" } },
  "/repos/acme/site/git/ref/tags/v1-of-v1": { ref: "refs/tags/v1-of-v1", object: { sha: TAG_NESTED, type: "tag" } },
  [`/repos/acme/site/git/tags/${TAG_V1}`]: { sha: TAG_V1, object: { sha: V1, type: "commit" } },
  [`/repos/acme/site/git/tags/${TAG_NESTED}`]: { sha: TAG_NESTED, object: { sha: TAG_V1, type: "tag" } },
  [`/repos/acme/site/commits/${V1}`]: { sha: V1 },
  [`/repos/acme/site/commits/${MAIN}`]: { sha: MAIN },
};
const seen: Array<{ path: string; authorization: string | undefined }> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const path = req.url ?? "/";
  seen.push({ path, authorization: req.headers.authorization });
  const body = routes[path];
  res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
  res.end(JSON.stringify(body ?? { message: "Not Found" }));
});
let apiUrl: string;

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

const repo: ContractRepo = { url: "https://github.com/acme/site.git", main: MAIN, v1: V1 };

runGitRemoteContract({
  name: "github-api",
  create: async () => createGithubGitRemote({ apiUrl }),
  repo: async () => repo,
  missingRepoUrl: async () => "https://github.com/acme/missing.git",
});

describe("the GitHub API GitRemote", () => {
  it("peels a tag of a tag, and finds branches with slashes", async () => {
    const git = createGithubGitRemote({ apiUrl });
    expect(await git.resolveRef(repo.url, "v1-of-v1", null)).toBe(V1);
    expect(await git.resolveRef("git@github.com:acme/site.git", "feature/x", null)).toBe(V1);
  });

  it("sends the project's token, else the platform's, never both", async () => {
    const git = createGithubGitRemote({ apiUrl, token: "platform-token" });
    seen.length = 0;
    await git.resolveRef(repo.url, "main", { username: "x-access-token", password: "project-token" });
    await git.resolveRef(repo.url, "main", null);
    expect(seen.map((s) => s.authorization)).toEqual(["Bearer project-token", "Bearer platform-token"]);
  });

  it("refuses a repository outside GitHub and a ref that would leave its API path, naming them", async () => {
    const git = createGithubGitRemote({ apiUrl });
    await expect(git.resolveRef("https://gitlab.com/acme/site.git", "main", null)).rejects.toThrow(
      "https://gitlab.com/acme/site.git",
    );
    seen.length = 0;
    await expect(git.resolveRef(repo.url, "../../../orgs/acme", null)).rejects.toThrow("../../../orgs/acme");
    expect(seen).toEqual([]);
  });

  it("hides the token in errors about a repository it cannot read", async () => {
    const git = createGithubGitRemote({ apiUrl });
    const error = await git
      .resolveRef("https://github.com/acme/missing.git", "main", { username: "x-access-token", password: "s3cret" })
      .catch((e: Error) => e);
    expect(String(error)).toContain("not found");
    expect(String(error)).not.toContain("s3cret");
  });
});
