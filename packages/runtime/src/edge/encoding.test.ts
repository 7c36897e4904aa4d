import { describe, expect, it } from "vitest";
import { negotiateEncoding } from "./encoding.ts";

const both = { br: true, gzip: true };

describe("negotiateEncoding", () => {
  it("prefers brotli, falls back to gzip", () => {
    expect(negotiateEncoding("gzip, deflate, br", both)).toBe("br");
    expect(negotiateEncoding("gzip, deflate", both)).toBe("gzip");
    expect(negotiateEncoding("gzip, br", { br: false, gzip: true })).toBe("gzip");
  });

  it("honours q-values, q=0 and the wildcard", () => {
    expect(negotiateEncoding("br;q=0.1, gzip;q=0.9", both)).toBe("gzip");
    expect(negotiateEncoding("br;q=0, gzip", both)).toBe("gzip");
    expect(negotiateEncoding("*", both)).toBe("br");
    expect(negotiateEncoding("*;q=0", both)).toBeNull();
  });

  it("sends the identity file when nothing fits", () => {
    expect(negotiateEncoding(undefined, both)).toBeNull();
    expect(negotiateEncoding("identity", both)).toBeNull();
    expect(negotiateEncoding("br", { br: false, gzip: false })).toBeNull();
  });
});
