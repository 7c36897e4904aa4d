import { describe, expect, it } from "vitest";
import { encodingOf, implicitTags, pageOf, primaryKey, variantKey } from "./key.ts";

describe("cache keys", () => {
  it("separate deployments, URLs (query included) and content codings", () => {
    const keys = new Set([
      primaryKey("dpl_a", "/isr", {}),
      primaryKey("dpl_b", "/isr", {}),
      primaryKey("dpl_a", "/isr?x=1", {}),
      primaryKey("dpl_a", "/isr", { "accept-encoding": "gzip, br" }),
      primaryKey("dpl_a", "/isr", { "accept-encoding": "gzip" }),
    ]);
    expect(keys.size).toBe(5);
    expect(primaryKey("dpl_a", "/", { "accept-encoding": "gzip, deflate, br" })).toBe(
      primaryKey("dpl_a", "/", { "accept-encoding": "br;q=1, gzip" }),
    );
  });

  it("pick the variant by the response's Vary list, with Accept reduced to the image format", () => {
    const vary = ["accept", "rsc"];
    const html = variantKey("p", vary, { accept: "text/html" });
    const rsc = variantKey("p", vary, { accept: "text/html", rsc: "1" });
    expect(html).not.toBe(rsc);
    const chrome = variantKey("p", ["accept"], { accept: "image/avif,image/webp,image/apng,*/*;q=0.8" });
    const other = variantKey("p", ["accept"], { accept: "image/avif,*/*" });
    const webp = variantKey("p", ["accept"], { accept: "image/webp,*/*" });
    expect(chrome).toBe(other);
    expect(chrome).not.toBe(webp);
  });

  it("treat q=0 as refused", () => {
    expect(encodingOf("br;q=0, gzip")).toBe("gzip");
    expect(encodingOf("gzip;q=0")).toBe("identity");
    expect(encodingOf(undefined)).toBe("identity");
  });

  it("map data and RSC requests to the page they render", () => {
    expect(pageOf("/blog/a?_rsc=x")).toBe("/blog/a");
    expect(pageOf("/_next/data/build1/blog/a.json")).toBe("/blog/a");
    expect(pageOf("/_next/data/build1/index.json")).toBe("/");
    expect(pageOf("/en/isr/")).toBe("/en/isr");
  });

  it("derive Next's implicit tags (what revalidatePath writes)", () => {
    expect(implicitTags("/")).toEqual(["_N_T_/layout", "_N_T_/page", "_N_T_/", "_N_T_/index"]);
    expect(implicitTags("/isr")).toEqual(["_N_T_/layout", "_N_T_/isr/layout", "_N_T_/isr/page", "_N_T_/isr"]);
  });
});
