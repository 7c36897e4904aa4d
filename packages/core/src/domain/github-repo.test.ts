import { describe, expect, it } from "vitest";
import { githubRepoOf } from "./github-repo.ts";

describe("githubRepoOf", () => {
  it("reads owner/repo from https and ssh URLs, with or without .git", () => {
    expect(githubRepoOf("https://github.com/acme/site.git")).toBe("acme/site");
    expect(githubRepoOf("https://github.com/acme/site")).toBe("acme/site");
    expect(githubRepoOf("git@github.com:acme/my.site.git")).toBe("acme/my.site");
  });

  it("is null for other hosts and for paths that are no repository", () => {
    expect(githubRepoOf("https://gitlab.com/acme/site.git")).toBeNull();
    expect(githubRepoOf("https://github.com/acme")).toBeNull();
    expect(githubRepoOf("https://github.com/acme/site/tree/main")).toBeNull();
  });
});
