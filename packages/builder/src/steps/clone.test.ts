import { describe, expect, it } from "vitest";
import { redactUrl } from "./clone.ts";

describe("redactUrl", () => {
  it("hides a token in an https URL and leaves other URLs alone", () => {
    expect(redactUrl("https://x-access-token:ghs_abc123@github.com/acme/site.git")).toBe(
      "https://x-access-token:***@github.com/acme/site.git",
    );
    expect(redactUrl("https://github.com/acme/site.git")).toBe("https://github.com/acme/site.git");
    expect(redactUrl("git@github.com:acme/site.git")).toBe("git@github.com:acme/site.git");
  });
});
