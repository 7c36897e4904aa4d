import { describe, expect, it } from "vitest";
import { randomRequestId, requestIdOf } from "./request-id.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("makes version 4 UUIDs, none repeated, across several draws of random bytes", () => {
    const ids = Array.from({ length: 2_000 }, () => randomRequestId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sets every hex digit it can: the random part is not stuck", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) for (const c of randomRequestId().replaceAll("-", "")) seen.add(c);
    expect([...seen].sort().join("")).toBe("0123456789abcdef");
  });

  it("keeps a caller's id when it looks like one, else makes one", () => {
    expect(requestIdOf("trace-1.abc:2")).toBe("trace-1.abc:2");
    for (const bad of [undefined, "", "a b", "x".repeat(129), ["a", "b"], "<script>"])
      expect(requestIdOf(bad)).toMatch(UUID_V4);
  });
});
