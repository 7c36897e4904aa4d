import { describe, expect, it } from "vitest";
import { assetKey } from "./path-safety.ts";

describe("assetKey", () => {
  it("decodes and normalises ordinary paths", () => {
    expect(assetKey("/_next/static/chunks/a.js")).toBe("/_next/static/chunks/a.js");
    expect(assetKey("/hello%20world.txt")).toBe("/hello world.txt");
    expect(assetKey("//_next//static/a.js")).toBe("/_next/static/a.js");
    expect(assetKey("/")).toBe("/");
  });

  it.each([
    "/../etc/passwd",
    "/_next/../../etc/passwd",
    "/%2e%2e/etc/passwd",
    "/a/%2E%2E/%2e%2e/b",
    "/./hello.txt",
    "/hello.txt%00.png",
    "/a%5C..%5Cb",
    "/%E0%A4%A",
    "relative/path",
  ])("rejects %s", (raw) => {
    expect(assetKey(raw)).toBeNull();
  });
});
