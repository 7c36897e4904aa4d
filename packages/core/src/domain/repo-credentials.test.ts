import { describe, expect, it } from "vitest";
import { displayRepoUrl, redactRepoUrl, scrubCredential, splitRepoCredential } from "./repo-credentials.ts";
import { validateRepoUrl } from "./repo-url.ts";

describe("splitRepoCredential", () => {
  it("takes user and token off an https URL, %-decoded", () => {
    expect(splitRepoCredential("https://x-access-token:ghs_a%2Fb@github.com/acme/site.git")).toEqual({
      url: "https://github.com/acme/site.git",
      credential: { username: "x-access-token", password: "ghs_a/b" },
    });
  });

  it("treats a lone user part as the token (https://<token>@github.com/...)", () => {
    expect(splitRepoCredential("https://ghp_tok123@github.com/acme/site.git")).toEqual({
      url: "https://github.com/acme/site.git",
      credential: { username: "ghp_tok123", password: "" },
    });
  });

  it("leaves URLs without a credential, and ssh users, alone", () => {
    for (const url of [
      "https://github.com/acme/site.git",
      "ssh://git@github.com/acme/site.git",
      "git@github.com:a/b",
    ]) {
      expect(splitRepoCredential(url)).toEqual({ url, credential: null });
    }
  });

  it("refuses a password in an ssh URL, and control characters, without echoing the token", () => {
    expect(() => splitRepoCredential("ssh://git:hunter22@host/r.git")).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", message: expect.not.stringContaining("hunter22") }),
    );
    expect(() => splitRepoCredential("https://u:tok%0Aen@host/r.git")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("tok") }),
    );
  });
});

describe("redactRepoUrl", () => {
  it("hides any user part of an http(s) URL and any user:password elsewhere", () => {
    expect(redactRepoUrl("https://x-access-token:ghs_abc123@github.com/acme/site.git")).toBe(
      "https://***@github.com/acme/site.git",
    );
    expect(redactRepoUrl("https://ghp_tok@github.com/a.git")).toBe("https://***@github.com/a.git");
    expect(redactRepoUrl("user:secret@host:path")).toBe("***@host:path");
    expect(redactRepoUrl("git@github.com:acme/site.git")).toBe("git@github.com:acme/site.git");
    expect(redactRepoUrl("ssh://git@github.com/acme/site.git")).toBe("ssh://git@github.com/acme/site.git");
  });

  it("keeps validation errors free of the token", () => {
    expect(() => validateRepoUrl("ftp://u:tok-9z8y@host/r")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("tok-9z8y") }),
    );
    expect(() => validateRepoUrl("u:tok-9z8y@host:-evil")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("tok-9z8y") }),
    );
  });
});

describe("displayRepoUrl and scrubCredential", () => {
  it("marks where a stored credential goes, and removes its values from text, raw or %-encoded", () => {
    expect(displayRepoUrl("https://github.com/a.git", true)).toBe("https://***@github.com/a.git");
    expect(displayRepoUrl("https://github.com/a.git", false)).toBe("https://github.com/a.git");
    const credential = { username: "ci", password: "p@ss/word" };
    expect(scrubCredential("fatal: p@ss/word and p%40ss%2Fword", credential)).toBe("fatal: *** and ***");
  });
});
