import { describe, expect, it } from "vitest";
import { validateRepoUrl } from "../domain/repo-url.ts";
import { SlipwayError } from "../errors.ts";
import { validateBranchName, validateNodeVersion, validateRootDir } from "./validation.ts";

describe("validateRepoUrl", () => {
  it.each([
    "https://github.com/acme/shop.git",
    "git@github.com:acme/shop.git",
    "file:///srv/git/shop.git",
    "/srv/git/shop.git",
  ])("accepts %s", (url) => expect(() => validateRepoUrl(url)).not.toThrow());
  it.each(["ext::sh -c touch% /tmp/pwned", "--upload-pack=touch /tmp/x", "shop", "https://a b"])(
    "rejects %j naming it",
    (url) => {
      expect(() => validateRepoUrl(url)).toThrow(url);
    },
  );
});

describe("validateBranchName", () => {
  it.each(["main", "feature/Blue_Sky", "release-1.2"])("accepts %s", (b) => expect(validateBranchName(b)).toBe(b));
  it.each(["-x", "a..b", "a b", "a~1", "x.lock", "a\u0000b", "", "a//b"])("rejects %j", (b) => {
    expect(() => validateBranchName(b)).toThrow(SlipwayError);
  });
});

describe("validateRootDir", () => {
  it("normalises relative folders", () => {
    expect(validateRootDir("./apps/web/")).toBe("apps/web");
    expect(validateRootDir("")).toBe("");
  });
  it.each(["/etc", "../up", "apps/../../x"])("rejects %j", (dir) => expect(() => validateRootDir(dir)).toThrow(dir));
});

describe("validateNodeVersion", () => {
  it.each([
    ["20", "20"],
    ["22", "22"],
    ["24", "24"],
    ["22.x", "22"],
    ["v24", "24"],
  ])("accepts %j as %s", (input, major) => expect(validateNodeVersion(input)).toBe(major));
  it.each(["18", "23", "22.1.0", "", "latest"])("refuses %j naming it and the supported versions", (input) => {
    expect(() => validateNodeVersion(input)).toThrow(SlipwayError);
    expect(() => validateNodeVersion(input)).toThrow(`"${input}"`);
  });
});
