import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SlipwayError, validateRepoUrl, validateRootDir, validateSha } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { resolveRootDir } from "./root-dir.ts";

describe("validateRepoUrl", () => {
  it.each([
    ["https://github.com/acme/site.git", "https"],
    ["ssh://git@github.com/acme/site.git", "ssh"],
    ["git@github.com:acme/site.git", "scp"],
    ["file:///srv/git/site.git", "file"],
    ["/tmp/repos/site.git", "file"],
  ])("accepts %s", (url, kind) => {
    expect(validateRepoUrl(url)).toBe(kind);
  });

  it.each([
    ["ext::sh -c touch% /tmp/pwned", "whitespace"],
    ["ext::sh", "remote helper"],
    ["fd::3", "remote helper"],
    ["--upload-pack=touch /tmp/x", "whitespace"],
    ["-oProxyCommand=x", "starts with '-'"],
    ["ssh://-oProxyCommand=x/repo", "starting with '-'"],
    ["git@-oProxy:repo", "starting with '-'"],
    ["http://github.com/acme/site.git", 'unsupported scheme "http:"'],
    ["git://github.com/acme/site.git", "unsupported scheme"],
    ["github.com:acme/site", "no user"],
    ["https://github.com/acme/site\n.git", "control"],
    ["", "empty"],
    ["/tmp/../etc/repo", "'..'"],
  ])("rejects %j naming the value", (url, why) => {
    const error = catchError(() => validateRepoUrl(url));
    expect(error).toBeInstanceOf(SlipwayError);
    expect(error.message).toContain(`"${url}"`);
    expect(error.message).toContain(why);
  });
});

describe("validateSha", () => {
  it("accepts a full lowercase sha", () => {
    expect(validateSha("0123456789abcdef0123456789abcdef01234567")).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(["abc123", "main", "0123456789ABCDEF0123456789ABCDEF01234567", "--all", `${"a".repeat(40)}\n`])(
    "rejects %j",
    (sha) => {
      const error = catchError(() => validateSha(sha));
      expect(error).toBeInstanceOf(SlipwayError);
      expect((error as SlipwayError).code).toBe("INVALID_REF");
      expect(error.message).toContain(sha);
    },
  );
});

describe("root dir", () => {
  it.each([
    ["", ""],
    [".", ""],
    ["apps/web", "apps/web"],
    ["apps/web/", "apps/web"],
    ["./apps//web", "apps/web"],
    ["apps/../web", "web"],
  ])("normalizes %j to %j", (input, expected) => {
    expect(validateRootDir(input)).toBe(expected);
  });

  it.each(["/etc", "..", "../other", "apps/../../x"])("rejects %j", (input) => {
    expect(() => validateRootDir(input)).toThrow(`Root directory "${input}"`);
  });

  it("refuses a symlink that leads outside the checkout, and a missing folder", () => {
    const repo = mkdtempSync(path.join(tmpdir(), "slipway-rootdir-"));
    mkdirSync(path.join(repo, "apps", "web"), { recursive: true });
    symlinkSync("/etc", path.join(repo, "escape"));
    expect(resolveRootDir(repo, "apps/web")).toBe(path.join(repo, "apps", "web"));
    expect(() => resolveRootDir(repo, "escape")).toThrow("leads outside the repository");
    expect(() => resolveRootDir(repo, "nope")).toThrow('Root directory "nope" does not exist');
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}
