import { expect } from "vitest";
import type { Store } from "../store.ts";
import type { ContractTest } from "./harness.ts";
import { deployment, savedDeployment, savedProject } from "./store-fixtures.ts";

export function deploymentCases(test: ContractTest<Store>): void {
  test("deployments: create then get round-trips every field", async (store) => {
    const p = await savedProject(store);
    const d = deployment(p.id, {
      environment: "production",
      commit: { sha: "abc", branch: null, message: "fix: ünïcode ✓", author: null },
      artifactKey: "artifacts/x.tgz",
      envSnapshot: "v1:k:iv:tag:data",
      buildStartedAt: "2026-01-01T00:00:01.000Z",
    });
    await store.deployments.create(d);
    expect(await store.deployments.get(d.id)).toEqual(d);
    expect(await store.deployments.get("missing")).toBeNull();
  });

  test("deployments: listByProject is newest first, ties in insertion order, limit honoured", async (store) => {
    const p = await savedProject(store);
    const other = await savedProject(store);
    const old = deployment(p.id, { createdAt: "2026-01-01T00:00:00.000Z" });
    const tieA = deployment(p.id, { createdAt: "2026-01-02T00:00:00.000Z" });
    const tieB = deployment(p.id, { createdAt: "2026-01-02T00:00:00.000Z" });
    const newest = deployment(p.id, { createdAt: "2026-01-03T00:00:00.000Z" });
    for (const d of [old, tieA, newest, tieB, deployment(other.id)]) await store.deployments.create(d);
    const ids = (await store.deployments.listByProject(p.id)).map((d) => d.id);
    expect(ids).toEqual([newest.id, tieB.id, tieA.id, old.id]);
    const limited = await store.deployments.listByProject(p.id, { limit: 2 });
    expect(limited.map((d) => d.id)).toEqual([newest.id, tieB.id]);
    expect(await store.deployments.listByProject("nobody")).toEqual([]);
  });

  test("deployments: listByProject pages on from a deployment and filters by environment and status", async (store) => {
    const p = await savedProject(store);
    const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`;
    const d1 = deployment(p.id, { createdAt: at(1), environment: "production", status: "ready" });
    const d2 = deployment(p.id, { createdAt: at(2), environment: "preview", status: "error" });
    const d3 = deployment(p.id, { createdAt: at(2), environment: "production", status: "ready" });
    const d4 = deployment(p.id, { createdAt: at(3), environment: "preview", status: "ready" });
    for (const d of [d1, d2, d3, d4]) await store.deployments.create(d);
    const ids = (list: { id: string }[]) => list.map((d) => d.id);
    const firstPage = await store.deployments.listByProject(p.id, { limit: 2 });
    expect(ids(firstPage)).toEqual([d4.id, d3.id]);
    // The cursor sits between two deployments of the same millisecond: the tie is not skipped.
    expect(ids(await store.deployments.listByProject(p.id, { limit: 2, before: d3.id }))).toEqual([d2.id, d1.id]);
    expect(ids(await store.deployments.listByProject(p.id, { environment: "production" }))).toEqual([d3.id, d1.id]);
    expect(ids(await store.deployments.listByProject(p.id, { status: "ready", before: d4.id, limit: 1 }))).toEqual([
      d3.id,
    ]);
    expect(ids(await store.deployments.listByProject(p.id, { environment: "preview", status: "error" }))).toEqual([
      d2.id,
    ]);
    expect(await store.deployments.listByProject(p.id, { before: "missing" })).toEqual([]);
  });

  test("deployments: listByStatus returns only the given statuses", async (store) => {
    const p = await savedProject(store);
    const queued = await savedDeployment(store, { projectId: p.id, status: "queued" });
    const building = await savedDeployment(store, { projectId: p.id, status: "building" });
    await savedDeployment(store, { projectId: p.id, status: "ready" });
    const ids = (await store.deployments.listByStatus(["queued", "building"])).map((d) => d.id).sort();
    expect(ids).toEqual([queued.id, building.id].sort());
    expect(await store.deployments.listByStatus([])).toEqual([]);
  });

  test("deployments: transition moves only from an allowed status", async (store) => {
    const d = await savedDeployment(store);
    expect(await store.deployments.transition(d.id, ["queued"], "building")).toBe(true);
    expect((await store.deployments.get(d.id))?.status).toBe("building");
    expect(await store.deployments.transition(d.id, ["queued"], "building")).toBe(false);
    expect(await store.deployments.transition(d.id, ["ready", "queued"], "canceled")).toBe(false);
    expect((await store.deployments.get(d.id))?.status).toBe("building");
    expect(await store.deployments.transition("missing", ["queued"], "building")).toBe(false);
  });

  test("deployments: transitions and updates stamp updatedAt (the sweeper's sign of life)", async (store) => {
    const d = await savedDeployment(store);
    const before = Date.now();
    const stamp = async () => Date.parse((await store.deployments.get(d.id))?.updatedAt ?? "");
    await store.deployments.transition(d.id, ["queued"], "building");
    expect(await stamp()).toBeGreaterThanOrEqual(before - 1_000);
    await store.deployments.update(d.id, {});
    expect(await stamp()).toBeGreaterThanOrEqual(before - 1_000);
  });

  test("deployments: a losing transition leaves status and patch untouched", async (store) => {
    const d = await savedDeployment(store);
    await store.deployments.transition(d.id, ["queued"], "canceled", { statusReason: "canceled by ada" });
    const lost = await store.deployments.transition(d.id, ["queued", "building"], "ready", {
      readyAt: "2026-01-01T00:01:00.000Z",
      artifactKey: "a.tgz",
    });
    expect(lost).toBe(false);
    const after = await store.deployments.get(d.id);
    expect(after).toMatchObject({
      status: "canceled",
      statusReason: "canceled by ada",
      readyAt: null,
      artifactKey: null,
    });
  });

  test("deployments: concurrent transitions from one status: exactly one wins", async (store) => {
    const d = await savedDeployment(store);
    const targets = ["building", "canceled", "error", "building", "canceled", "error", "building", "canceled"] as const;
    const results = await Promise.all(
      targets.map((to, i) => store.deployments.transition(d.id, ["queued"], to, { statusReason: `actor ${i}` })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.deployments.get(d.id)).toMatchObject({
      status: targets[winner],
      statusReason: `actor ${winner}`,
    });
  });

  test("deployments: patches leave undefined fields alone and clear null ones", async (store) => {
    const d = await savedDeployment(store, { artifactKey: "a.tgz", envSnapshot: "snap" });
    await store.deployments.transition(d.id, ["queued"], "building", { buildStartedAt: "2026-01-01T00:00:05.000Z" });
    await store.deployments.update(d.id, { artifactKey: null });
    expect(await store.deployments.get(d.id)).toMatchObject({
      status: "building",
      buildStartedAt: "2026-01-01T00:00:05.000Z",
      artifactKey: null,
      envSnapshot: "snap",
    });
    await store.deployments.update(d.id, {});
    expect((await store.deployments.get(d.id))?.envSnapshot).toBe("snap");
  });

  test("deployments: listWithEnvSnapshot returns only deployments that have one", async (store) => {
    const p = await savedProject(store);
    const withSnap = await savedDeployment(store, { projectId: p.id, envSnapshot: "v1:snap" });
    await savedDeployment(store, { projectId: p.id });
    const listed = await store.deployments.listWithEnvSnapshot();
    expect(listed.map((d) => d.id)).toEqual([withSnap.id]);
    await store.deployments.update(withSnap.id, { envSnapshot: "v1:rotated" });
    expect((await store.deployments.listWithEnvSnapshot())[0]?.envSnapshot).toBe("v1:rotated");
  });
}
