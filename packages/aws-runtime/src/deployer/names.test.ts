import { describe, expect, it } from "vitest";
import { SITE_FUNCTION_PREFIX, siteFunctionName } from "./names.ts";

describe("siteFunctionName", () => {
  it("is slipway-site-<site>-<deployment>-<role> for real ids", () => {
    expect(siteFunctionName("k3j9x0a1b2", "a8c7d6e5f4", "server")).toBe("slipway-site-k3j9x0a1b2-a8c7d6e5f4-server");
  });

  it("stays within Lambda's 64 characters and legal characters, cutting the site first, hashing a huge deployment id", () => {
    const long = siteFunctionName("a-very-long-project-identifier-from-another-store", "dpl_0123456789", "image");
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^slipway-site-a-very-long-[a-z-]*-dpl_0123456789-image$/);
    const hashed = siteFunctionName("prj", "d".repeat(80), "server");
    expect(hashed).toMatch(/^slipway-site-prj-[0-9a-f]{12}-server$/);
    expect(siteFunctionName("p.r/j", "dpl:1", "server")).toBe("slipway-site-p-r-j-dpl-1-server");
  });

  it("differs per deployment and role, and always has the prefix the IAM policy allows", () => {
    const names = new Set(
      ["d1", "d2"].flatMap((d) =>
        (["server", "image", "edge0", "edge11"] as const).map((r) => siteFunctionName("site", d, r)),
      ),
    );
    expect(names.size).toBe(8);
    expect(siteFunctionName("k3j9x0a1b2", "a8c7d6e5f4", "edge11")).toBe("slipway-site-k3j9x0a1b2-a8c7d6e5f4-edge11");
    for (const name of names) expect(name.startsWith(SITE_FUNCTION_PREFIX)).toBe(true);
  });
});
