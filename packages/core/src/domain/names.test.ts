import { describe, expect, it } from "vitest";
import {
  branchHostLabel,
  branchSlug,
  DNS_LABEL_MAX,
  deploymentHostLabel,
  hostnameCollision,
  projectNameProblem,
} from "./names.ts";

describe("branchSlug", () => {
  it("lowercases and turns every run of other characters into one hyphen", () => {
    expect(branchSlug("feature/Blue_Sky", 63)).toBe("feature-blue-sky");
    expect(branchSlug("--Fix//#42__", 63)).toBe("fix-42");
  });

  it("shortens long branches with a hash suffix that keeps them distinct", () => {
    const a = branchSlug(`feature/${"x".repeat(80)}-a`, 30);
    const b = branchSlug(`feature/${"x".repeat(80)}-b`, 30);
    expect(a.length).toBeLessThanOrEqual(30);
    expect(b.length).toBeLessThanOrEqual(30);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^feature-x+-[0-9a-f]{6}$/);
  });

  it("keeps the whole branch hostname label within DNS's 63 characters", () => {
    const label = branchHostLabel("a".repeat(40), `release/${"y".repeat(100)}`);
    expect(label.length).toBeLessThanOrEqual(DNS_LABEL_MAX);
    expect(label).toMatch(/^[a-z0-9-]+$/);
  });
});

describe("projectNameProblem", () => {
  it.each(["shop", "my-shop-2", "a"])("accepts %s", (name) => expect(projectNameProblem(name)).toBeNull());
  it.each([
    ["", "empty"],
    ["My_Shop", "lowercase"],
    ["-shop", "lowercase"],
    ["shop-", "lowercase"],
    ["a--b", "two hyphens"],
    ["x".repeat(41), "41 characters"],
  ])("rejects %j (%s)", (name, reason) => expect(projectNameProblem(name)).toContain(reason));
});

describe("hostnameCollision", () => {
  // Each pair with two labels, one of each project, that are equal: the proof the pair collides.
  it.each([
    ["shop", "shop-git-main", "shop-git-main", branchHostLabel("shop", "main")],
    ["shop", "shop-git", deploymentHostLabel("shop-git", "abcde12345"), branchHostLabel("shop", "abcde12345")],
    ["shop", "shop-git", branchHostLabel("shop-git", "x"), branchHostLabel("shop", "git-x")],
    ["shop", "shop-abcde12345", "shop-abcde12345", deploymentHostLabel("shop", "abcde12345")],
    [
      "shop",
      "shop-git-a-b",
      deploymentHostLabel("shop-git-a-b", "0123456789"),
      branchHostLabel("shop", "a-b-0123456789"),
    ],
  ])("%s and %s collide (%s = %s), whichever is created first", (a, b, labelOfB, labelOfA) => {
    expect(labelOfB).toBe(labelOfA);
    expect(hostnameCollision(a, b)).toContain(b);
    expect(hostnameCollision(b, a)).toContain(b);
  });

  it.each([
    ["shop", "shop"],
    ["shop", "shopping"],
    ["shop", "shop-gitx"],
    ["shop", "shop-gi"],
    ["shop", "shop-abcde1234"],
    ["shop", "shop-abcde123456"],
    ["shop", "shop-a-bcde12345"],
    ["shop-git-main", "shop-git-mainx"],
    ["git", "shop"],
  ])("%s and %s never share a hostname", (a, b) => {
    expect(hostnameCollision(a, b)).toBeNull();
    expect(hostnameCollision(b, a)).toBeNull();
  });
});
