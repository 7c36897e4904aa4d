import { expect } from "vitest";
import type { Store } from "../store.ts";
import type { ContractTest } from "./harness.ts";
import { savedDeployment, savedProject } from "./store-fixtures.ts";

export function aliasCases(test: ContractTest<Store>): void {
  test("aliases: set creates a row with updatedAt, get returns it", async (store) => {
    const d = await savedDeployment(store);
    await store.aliases.set({
      hostname: "site.localhost",
      projectId: d.projectId,
      deploymentId: d.id,
      kind: "production",
    });
    const alias = await store.aliases.get("site.localhost");
    expect(alias).toMatchObject({ hostname: "site.localhost", deploymentId: d.id, kind: "production" });
    expect(Number.isNaN(Date.parse(alias?.updatedAt ?? ""))).toBe(false);
    expect(await store.aliases.get("nope.localhost")).toBeNull();
  });

  test("aliases: set on an existing hostname replaces it", async (store) => {
    const p = await savedProject(store);
    const first = await savedDeployment(store, { projectId: p.id });
    const second = await savedDeployment(store, { projectId: p.id });
    const base = { hostname: "site.localhost", projectId: p.id, kind: "production" as const };
    await store.aliases.set({ ...base, deploymentId: first.id });
    await store.aliases.set({ ...base, deploymentId: second.id });
    expect((await store.aliases.get("site.localhost"))?.deploymentId).toBe(second.id);
    expect(await store.aliases.listByProject(p.id)).toHaveLength(1);
    expect(await store.aliases.listByDeployment(first.id)).toEqual([]);
  });

  test("aliases: concurrent sets on one hostname leave one row pointing at a contender", async (store) => {
    const p = await savedProject(store);
    const ds = await Promise.all([1, 2, 3, 4].map(() => savedDeployment(store, { projectId: p.id })));
    await Promise.all(
      ds.map((d) =>
        store.aliases.set({ hostname: "race.localhost", projectId: p.id, deploymentId: d.id, kind: "branch" }),
      ),
    );
    const rows = await store.aliases.listByProject(p.id);
    expect(rows).toHaveLength(1);
    expect(ds.map((d) => d.id)).toContain(rows[0]?.deploymentId);
  });

  test("aliases: setIf moves only from the expected deployment, null meaning no row", async (store) => {
    const p = await savedProject(store);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => savedDeployment(store, { projectId: p.id })));
    if (!a || !b || !c) throw new Error("fixture deployments missing");
    const to = (d: { id: string }) => ({
      hostname: "cas.localhost",
      projectId: p.id,
      deploymentId: d.id,
      kind: "production" as const,
    });
    expect(await store.aliases.setIf(to(a), "someone-else")).toBe(false);
    expect(await store.aliases.get("cas.localhost")).toBeNull();
    expect(await store.aliases.setIf(to(a), null)).toBe(true);
    expect(await store.aliases.setIf(to(b), null)).toBe(false);
    expect(await store.aliases.setIf(to(b), c.id)).toBe(false);
    expect((await store.aliases.get("cas.localhost"))?.deploymentId).toBe(a.id);
    expect(await store.aliases.setIf(to(b), a.id)).toBe(true);
    expect((await store.aliases.get("cas.localhost"))?.deploymentId).toBe(b.id);
  });

  test("aliases: of concurrent setIf calls from one expected value exactly one wins", async (store) => {
    const p = await savedProject(store);
    const base = await savedDeployment(store, { projectId: p.id });
    await store.aliases.set({ hostname: "race2.localhost", projectId: p.id, deploymentId: base.id, kind: "branch" });
    const ds = await Promise.all([1, 2, 3, 4].map(() => savedDeployment(store, { projectId: p.id })));
    const results = await Promise.all(
      ds.map((d) =>
        store.aliases.setIf(
          { hostname: "race2.localhost", projectId: p.id, deploymentId: d.id, kind: "branch" },
          base.id,
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.aliases.get("race2.localhost"))?.deploymentId).toBe(ds[results.indexOf(true)]?.id);
  });

  test("aliases: delete returns true once, then false", async (store) => {
    const d = await savedDeployment(store);
    await store.aliases.set({
      hostname: "x.localhost",
      projectId: d.projectId,
      deploymentId: d.id,
      kind: "deployment",
    });
    expect(await store.aliases.delete("x.localhost", d.projectId)).toBe(true);
    expect(await store.aliases.delete("x.localhost", d.projectId)).toBe(false);
    expect(await store.aliases.get("x.localhost")).toBeNull();
  });

  test("aliases: a hostname belongs to its project; another project's set changes nothing", async (store) => {
    const owner = await savedDeployment(store);
    const intruder = await savedDeployment(store);
    const hostname = "shop-git-main.localhost";
    expect(
      await store.aliases.set({ hostname, projectId: owner.projectId, deploymentId: owner.id, kind: "branch" }),
    ).toBe(true);
    expect(
      await store.aliases.set({
        hostname,
        projectId: intruder.projectId,
        deploymentId: intruder.id,
        kind: "production",
      }),
    ).toBe(false);
    expect(await store.aliases.get(hostname)).toMatchObject({
      projectId: owner.projectId,
      deploymentId: owner.id,
      kind: "branch",
    });
    expect(await store.aliases.listByProject(intruder.projectId)).toEqual([]);
  });

  test("aliases: setIf by another project changes nothing, even from the expected deployment", async (store) => {
    const owner = await savedDeployment(store);
    const intruder = await savedDeployment(store);
    const hostname = "owned.localhost";
    await store.aliases.set({ hostname, projectId: owner.projectId, deploymentId: owner.id, kind: "production" });
    const taken = { hostname, projectId: intruder.projectId, deploymentId: intruder.id, kind: "production" as const };
    expect(await store.aliases.setIf(taken, owner.id)).toBe(false);
    expect(await store.aliases.setIf(taken, null)).toBe(false);
    expect(await store.aliases.get(hostname)).toMatchObject({ projectId: owner.projectId, deploymentId: owner.id });
  });

  test("aliases: another project's delete leaves the row and returns false", async (store) => {
    const owner = await savedDeployment(store);
    const intruder = await savedProject(store);
    const hostname = "shop.localhost";
    await store.aliases.set({ hostname, projectId: owner.projectId, deploymentId: owner.id, kind: "production" });
    expect(await store.aliases.delete(hostname, intruder.id)).toBe(false);
    expect(await store.aliases.get(hostname)).toMatchObject({ projectId: owner.projectId, deploymentId: owner.id });
  });

  test("aliases: two projects racing for a new hostname: exactly one owns it", async (store) => {
    const ds = await Promise.all([1, 2, 3, 4].map(() => savedDeployment(store)));
    const results = await Promise.all(
      ds.map((d) =>
        store.aliases.set({
          hostname: "contested.localhost",
          projectId: d.projectId,
          deploymentId: d.id,
          kind: "branch",
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ds[results.indexOf(true)];
    expect(await store.aliases.get("contested.localhost")).toMatchObject({
      projectId: winner?.projectId,
      deploymentId: winner?.id,
    });
  });

  test("aliases: listByProject, listByDeployment and production", async (store) => {
    const p = await savedProject(store);
    const other = await savedProject(store);
    const d1 = await savedDeployment(store, { projectId: p.id });
    const d2 = await savedDeployment(store, { projectId: p.id });
    const d3 = await savedDeployment(store, { projectId: other.id });
    expect(await store.aliases.production(p.id)).toBeNull();
    await store.aliases.set({ hostname: "a.localhost", projectId: p.id, deploymentId: d1.id, kind: "deployment" });
    await store.aliases.set({ hostname: "b.localhost", projectId: p.id, deploymentId: d1.id, kind: "production" });
    await store.aliases.set({ hostname: "c.localhost", projectId: p.id, deploymentId: d2.id, kind: "branch" });
    await store.aliases.set({ hostname: "z.localhost", projectId: other.id, deploymentId: d3.id, kind: "production" });
    const hostnames = (rows: Array<{ hostname: string }>) => rows.map((r) => r.hostname).sort();
    expect(hostnames(await store.aliases.listByProject(p.id))).toEqual(["a.localhost", "b.localhost", "c.localhost"]);
    expect(hostnames(await store.aliases.listByDeployment(d1.id))).toEqual(["a.localhost", "b.localhost"]);
    expect(await store.aliases.production(p.id)).toMatchObject({ hostname: "b.localhost", deploymentId: d1.id });
  });

  test("aliases: a canary is kept with its alias, and a write without one ends it", async (store) => {
    const p = await savedProject(store);
    const [stable, canary, next] = await Promise.all([1, 2, 3].map(() => savedDeployment(store, { projectId: p.id })));
    if (!stable || !canary || !next) throw new Error("fixture deployments missing");
    const hostname = "canary.localhost";
    const base = { hostname, projectId: p.id, kind: "production" as const };
    const split = { deploymentId: canary.id, percent: 10, startedAt: "2026-01-02T03:04:05.000Z" };
    await store.aliases.set({ ...base, deploymentId: stable.id, canary: split });
    expect(await store.aliases.get(hostname)).toMatchObject({ deploymentId: stable.id, canary: split });
    expect((await store.aliases.production(p.id))?.canary).toEqual(split);
    expect((await store.aliases.listByProject(p.id))[0]?.canary).toEqual(split);

    // The compare-and-set sets and clears it too, only from the expected deployment.
    const wider = { ...split, percent: 50 };
    expect(await store.aliases.setIf({ ...base, deploymentId: stable.id, canary: wider }, next.id)).toBe(false);
    expect((await store.aliases.get(hostname))?.canary).toEqual(split);
    expect(await store.aliases.setIf({ ...base, deploymentId: stable.id, canary: wider }, stable.id)).toBe(true);
    expect((await store.aliases.get(hostname))?.canary).toEqual(wider);
    expect(await store.aliases.setIf({ ...base, deploymentId: stable.id }, stable.id)).toBe(true);
    expect(await store.aliases.get(hostname)).toMatchObject({ deploymentId: stable.id });
    expect((await store.aliases.get(hostname))?.canary).toBeUndefined();

    await store.aliases.set({ ...base, deploymentId: stable.id, canary: split });
    await store.aliases.set({ ...base, deploymentId: next.id });
    expect((await store.aliases.get(hostname))?.canary).toBeUndefined();
  });
}
