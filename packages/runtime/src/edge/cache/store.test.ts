import { describe, expect, it } from "vitest";
import { type CacheEntry, freshnessOf } from "./entry.ts";
import { createCacheStore } from "./store.ts";

function entry(deploymentId: string, page: string, bodyBytes: number, over: Partial<CacheEntry> = {}): CacheEntry {
  return {
    deploymentId,
    page,
    status: 200,
    head: { full: [], notModified: [], etag: undefined },
    body: Buffer.alloc(bodyBytes),
    storedAt: 1_000,
    freshMs: 5_000,
    staleMs: 10_000,
    tags: new Set(),
    tagsKnown: false,
    refresh: { url: page, headers: {} },
    size: bodyBytes,
    ...over,
  };
}

describe("edge cache store", () => {
  it("evicts the least recently used entries past its byte budget", () => {
    const store = createCacheStore({ maxBytes: 300, maxEntryBytes: 200 });
    store.set("a", [], "a", entry("d", "/a", 100));
    store.set("b", [], "b", entry("d", "/b", 100));
    store.get("a"); // a is now the most recently used
    store.set("c", [], "c", entry("d", "/c", 150));
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")).toBeDefined();
    expect(store.get("c")).toBeDefined();
    expect(store.bytes).toBe(250);
  });

  it("refuses an entry over the per-entry limit", () => {
    const store = createCacheStore({ maxBytes: 1000, maxEntryBytes: 200 });
    expect(store.set("a", [], "a", entry("d", "/a", 201))).toBe(false);
    expect(store.size).toBe(0);
  });

  it("drops every entry of a forgotten deployment, and only those", () => {
    const store = createCacheStore({ maxBytes: 10_000, maxEntryBytes: 1000 });
    store.set("p1", ["rsc"], "p1 html", entry("d1", "/isr", 10));
    store.set("p1", ["rsc"], "p1 rsc", entry("d1", "/isr", 10));
    store.set("p2", [], "p2", entry("d1", "/other", 10));
    store.set("p3", [], "p3", entry("d2", "/isr", 10));
    store.dropDeployment("d1");
    expect(store.get("p2")).toBeUndefined();
    expect(store.get("p3")).toBeDefined();
    expect(store.get("p1 html")).toBeUndefined();
    expect(store.bytes).toBe(10);
  });

  it("tells fresh, stale (within stale-while-revalidate) and expired apart", () => {
    const e = entry("d", "/", 1);
    expect(freshnessOf(e, 1_000 + 4_999)).toBe("fresh");
    expect(freshnessOf(e, 1_000 + 5_000)).toBe("stale");
    expect(freshnessOf(e, 1_000 + 15_000)).toBe("expired");
  });
});
