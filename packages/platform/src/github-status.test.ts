import { project, runCommitStatusContract } from "@slipway/core/contracts";
import { afterAll, beforeAll } from "vitest";
import { createGithubStatusReporter } from "./github-status.ts";
import { type FakeGithub, startFakeGithub } from "./test-support/fake-github.ts";

// GitHub's REST API played by the local stand-in: real HTTP, the requests it records are the truth.
let github: FakeGithub;
beforeAll(async () => {
  github = await startFakeGithub();
});
afterAll(() => github.close());

runCommitStatusContract({
  name: "github",
  create: async () => {
    github.failing = false;
    return createGithubStatusReporter({ token: "test-token", apiUrl: github.url, log: () => {} });
  },
  project: () => project({ repoUrl: "https://github.com/acme/site.git" }),
  recorded: async (_reporter, sha) =>
    github.requests
      .filter((r) => r.method === "POST" && r.path === `/repos/acme/site/statuses/${sha}`)
      .map((r) => ({ sha, state: r.body.state as "pending", url: String(r.body.target_url) })),
  breakHost: async () => {
    github.failing = true;
  },
});
