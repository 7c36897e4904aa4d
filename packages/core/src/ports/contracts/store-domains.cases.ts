import { expect } from "vitest";
import type { Domain } from "../../domain/model.ts";
import type { Store } from "../store.ts";
import type { ContractTest } from "./harness.ts";
import { savedProject, uniq } from "./store-fixtures.ts";

export function domain(projectId: string, overrides: Partial<Domain> = {}): Domain {
  return {
    hostname: `${uniq("www")}.example.com`,
    projectId,
    redirectTo: null,
    status: "pending",
    statusReason: null,
    verificationToken: "token-1",
    certificate: null,
    challenge: null,
    nextAttemptAt: null,
    failedAttempts: 0,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

const withoutStamp = ({ updatedAt: _, ...rest }: Domain) => rest;

export function domainCases(test: ContractTest<Store>): void {
  test("domains: create then get, listByProject and list return every field", async (store) => {
    const p = await savedProject(store);
    const d = domain(p.id, {
      redirectTo: "example.com",
      certificate: { certPem: "PEM", keyEncrypted: "v1:k:key", notAfter: "2026-04-01T00:00:00.000Z", issuedAt: "x" },
      challenge: { token: "t", keyAuthorization: "t.k" },
      nextAttemptAt: "2026-03-01T00:00:00.000Z",
    });
    expect(await store.domains.create(d)).toBe(true);
    expect(await store.domains.get(d.hostname)).toEqual(d);
    expect(await store.domains.listByProject(p.id)).toEqual([d]);
    expect(await store.domains.list()).toContainEqual(d);
    expect(await store.domains.get("missing.example.com")).toBeNull();
  });

  test("domains: a hostname has one owner; create by another project returns false and changes nothing", async (store) => {
    const [a, b] = [await savedProject(store), await savedProject(store)];
    const d = domain(a.id);
    expect(await store.domains.create(d)).toBe(true);
    expect(await store.domains.create(domain(b.id, { hostname: d.hostname }))).toBe(false);
    expect(await store.domains.get(d.hostname)).toEqual(d);
    expect(await store.domains.listByProject(b.id)).toEqual([]);
  });

  test("domains: listByProject is sorted by hostname", async (store) => {
    const p = await savedProject(store);
    for (const name of ["b.example.com", "a.example.com", "c.example.com"]) {
      await store.domains.create(domain(p.id, { hostname: `${name}.${p.id}` }));
    }
    expect((await store.domains.listByProject(p.id)).map((d) => d.hostname.split(".")[0])).toEqual(["a", "b", "c"]);
  });

  test("domains: update changes only the given fields, null clears, and stamps updatedAt", async (store) => {
    const p = await savedProject(store);
    const d = domain(p.id, { challenge: { token: "t", keyAuthorization: "t.k" }, statusReason: "old" });
    await store.domains.create(d);
    const after = await store.domains.update(d.hostname, { challenge: null, failedAttempts: 2 });
    expect(after && withoutStamp(after)).toEqual(withoutStamp({ ...d, challenge: null, failedAttempts: 2 }));
    expect(after?.updatedAt).not.toBe(d.updatedAt);
    expect(await store.domains.get(d.hostname)).toEqual(after);
    expect(await store.domains.update("missing.example.com", { failedAttempts: 1 })).toBeNull();
  });

  test("domains: transition is a compare-and-set on status", async (store) => {
    const p = await savedProject(store);
    const d = domain(p.id);
    await store.domains.create(d);
    expect(await store.domains.transition(d.hostname, ["verified"], "issuing")).toBe(false);
    expect(await store.domains.transition(d.hostname, ["pending", "failed"], "verified", { statusReason: null })).toBe(
      true,
    );
    expect(await store.domains.get(d.hostname)).toMatchObject({ status: "verified", statusReason: null });
    const racers = await Promise.all([
      store.domains.transition(d.hostname, ["verified"], "issuing"),
      store.domains.transition(d.hostname, ["verified"], "issuing"),
    ]);
    expect(racers.filter(Boolean)).toHaveLength(1);
    expect(await store.domains.transition("missing.example.com", ["pending"], "verified")).toBe(false);
  });

  test("domains: delete only by the owner project; deleting the project removes its domains", async (store) => {
    const [a, b] = [await savedProject(store), await savedProject(store)];
    const d = domain(a.id);
    await store.domains.create(d);
    expect(await store.domains.delete(d.hostname, b.id)).toBe(false);
    expect(await store.domains.get(d.hostname)).toEqual(d);
    expect(await store.domains.delete(d.hostname, a.id)).toBe(true);
    expect(await store.domains.delete(d.hostname, a.id)).toBe(false);
    const kept = domain(a.id);
    await store.domains.create(kept);
    await store.projects.delete(a.id);
    expect(await store.domains.get(kept.hostname)).toBeNull();
  });
}
