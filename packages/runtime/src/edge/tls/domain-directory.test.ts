import { type DomainRoute, domainRouteOf } from "@slipway/core";
import { domain } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { createDomainDirectory, MAX_CACHED_HOSTS } from "./domain-directory.ts";

/** A source over a map of records, counting reads, with a stamp the test moves. */
function source(records: Record<string, DomainRoute>) {
  const reads: string[] = [];
  let stamp = 0;
  return {
    reads,
    change: () => stamp++,
    find: (hostname: string) => {
      reads.push(hostname);
      return records[hostname] ?? null;
    },
    changeStamp: () => stamp,
  };
}

/** The directory reads the change stamp once per turn of the event loop: the next request's turn. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const route = (hostname: string, overrides = {}) =>
  domainRouteOf(domain("prj_1", { hostname, status: "active", ...overrides }));

describe("domain directory", () => {
  it("reads a host once until the change stamp moves, then reads it again", async () => {
    const records = { "shop.example.com": route("shop.example.com") };
    const src = source(records);
    const directory = createDomainDirectory(src);
    for (let i = 0; i < 3; i++) expect(await directory.lookup("shop.example.com")).toEqual(records["shop.example.com"]);
    expect(src.reads).toEqual(["shop.example.com"]);

    records["shop.example.com"] = route("shop.example.com", { challenge: { token: "t", keyAuthorization: "t.k" } });
    src.change();
    // Within the same turn the stamp is not read again; from the next one the change is seen.
    expect((await directory.lookup("shop.example.com"))?.challenge).toBeNull();
    await nextTurn();
    expect((await directory.lookup("shop.example.com"))?.challenge).toEqual({ token: "t", keyAuthorization: "t.k" });
    expect(src.reads).toEqual(["shop.example.com", "shop.example.com"]);
  });

  it("remembers hosts that are no custom domain, and falls back to the wildcard record", async () => {
    const src = source({ "*.example.com": route("*.example.com") });
    const directory = createDomainDirectory(src);
    expect((await directory.lookup("a.example.com"))?.hostname).toBe("*.example.com");
    expect(await directory.lookup("other.test")).toBeNull();
    expect(await directory.lookup("other.test")).toBeNull();
    expect(await directory.lookup("a.example.com")).not.toBeNull();
    expect(src.reads).toEqual(["a.example.com", "*.example.com", "other.test", "*.test"]);
  });

  it("does not keep what a lookup read before a change landed", async () => {
    const records: Record<string, DomainRoute> = { "shop.example.com": route("shop.example.com") };
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stamp = 0;
    let reads = 0;
    const directory = createDomainDirectory({
      find: async (hostname) => {
        reads++;
        const found = records[hostname] ?? null;
        if (reads === 1) await gate;
        return found;
      },
      changeStamp: () => stamp,
    });
    const slow = directory.lookup("shop.example.com");
    // The domain is removed while the first read is under way; a second lookup sees the change.
    delete records["shop.example.com"];
    stamp++;
    await nextTurn();
    expect(await directory.lookup("shop.example.com")).toBeNull();
    release();
    expect(await slow).not.toBeNull();
    await nextTurn();
    expect(await directory.lookup("shop.example.com")).toBeNull();
  });

  it("holds a bounded number of hosts", async () => {
    const src = source({});
    const directory = createDomainDirectory(src);
    for (let i = 0; i <= MAX_CACHED_HOSTS; i++) await directory.lookup(`h${i}.test`);
    src.reads.length = 0;
    await directory.lookup(`h${MAX_CACHED_HOSTS}.test`);
    await directory.lookup("h0.test"); // the oldest went to make room
    expect(src.reads).toEqual(["h0.test", "*.test"]);
  });
});
