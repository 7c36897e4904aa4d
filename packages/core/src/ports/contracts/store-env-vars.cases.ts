import { expect } from "vitest";
import type { EnvVar } from "../../domain/model.ts";
import type { Store } from "../store.ts";
import type { ContractTest } from "./harness.ts";
import { envVar, savedProject } from "./store-fixtures.ts";

const byTargets = (vars: EnvVar[]) =>
  vars.map((v) => ({ value: v.valueEncrypted, targets: [...v.targets].sort(), branch: v.branch }));

export function envVarCases(test: ContractTest<Store>): void {
  test("envVars: upsert inserts and listByProject round-trips every field", async (store) => {
    const p = await savedProject(store);
    const v = envVar(p.id, { secret: true, branch: "feature/x", targets: ["preview"] });
    await store.envVars.upsert(v);
    expect(await store.envVars.listByProject(p.id)).toEqual([v]);
  });

  test("envVars: upsert replaces the variable with the same key, branch and targets", async (store) => {
    const p = await savedProject(store);
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "old" }));
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "new" }));
    const vars = await store.envVars.listByProject(p.id);
    expect(byTargets(vars)).toEqual([{ value: "new", targets: ["preview", "production"], branch: null }]);
  });

  test("envVars: disjoint targets keep separate values", async (store) => {
    const p = await savedProject(store);
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "prod", targets: ["production"] }));
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "prev", targets: ["preview"] }));
    const vars = byTargets(await store.envVars.listByProject(p.id));
    expect(vars).toHaveLength(2);
    expect(vars).toContainEqual({ value: "prod", targets: ["production"], branch: null });
    expect(vars).toContainEqual({ value: "prev", targets: ["preview"], branch: null });
  });

  test("envVars: overlapping targets are taken over by the newest upsert", async (store) => {
    const p = await savedProject(store);
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "both", targets: ["production", "preview"] }));
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "prev", targets: ["preview", "development"] }));
    const vars = byTargets(await store.envVars.listByProject(p.id));
    expect(vars).toHaveLength(2);
    expect(vars).toContainEqual({ value: "both", targets: ["production"], branch: null });
    expect(vars).toContainEqual({ value: "prev", targets: ["development", "preview"], branch: null });
  });

  test("envVars: upsert with an existing id replaces its overlapping targets only", async (store) => {
    const p = await savedProject(store);
    const v = envVar(p.id, { valueEncrypted: "both", targets: ["production", "preview"] });
    await store.envVars.upsert(v);
    await store.envVars.upsert({ ...v, valueEncrypted: "edited", targets: ["preview"] });
    const vars = await store.envVars.listByProject(p.id);
    expect(byTargets(vars)).toHaveLength(2);
    expect(byTargets(vars)).toContainEqual({ value: "both", targets: ["production"], branch: null });
    expect(vars.find((x) => x.id === v.id)).toMatchObject({ valueEncrypted: "edited", targets: ["preview"] });
    expect(new Set(vars.map((x) => x.id)).size).toBe(2);
  });

  test("envVars: upsert with an existing id and the same targets replaces that variable", async (store) => {
    const p = await savedProject(store);
    const v = envVar(p.id, { targets: ["production"], secret: false });
    await store.envVars.upsert(v);
    await store.envVars.upsert({ ...v, valueEncrypted: "edited", secret: true, updatedAt: "2026-02-01T00:00:00.000Z" });
    expect(await store.envVars.listByProject(p.id)).toEqual([
      { ...v, valueEncrypted: "edited", secret: true, updatedAt: "2026-02-01T00:00:00.000Z" },
    ]);
  });

  test("envVars: upsert with an existing id under a new key or branch moves that variable", async (store) => {
    const p = await savedProject(store);
    const v = envVar(p.id, { key: "OLD_NAME", targets: ["preview"] });
    await store.envVars.upsert(v);
    await store.envVars.upsert({ ...v, key: "NEW_NAME" });
    expect((await store.envVars.listByProject(p.id)).map((x) => [x.id, x.key])).toEqual([[v.id, "NEW_NAME"]]);
  });

  test("envVars: a branch override is a separate variable", async (store) => {
    const p = await savedProject(store);
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "all", targets: ["preview"] }));
    await store.envVars.upsert(envVar(p.id, { valueEncrypted: "x", targets: ["preview"], branch: "x" }));
    expect(await store.envVars.listByProject(p.id)).toHaveLength(2);
  });

  test("envVars: delete counts removed rows and honours the branch filter", async (store) => {
    const p = await savedProject(store);
    await store.envVars.upsert(envVar(p.id, { targets: ["production"] }));
    await store.envVars.upsert(envVar(p.id, { targets: ["preview"] }));
    await store.envVars.upsert(envVar(p.id, { targets: ["preview"], branch: "x" }));
    await store.envVars.upsert(envVar(p.id, { targets: ["preview"], branch: "y" }));
    await store.envVars.upsert(envVar(p.id, { key: "OTHER" }));
    expect(await store.envVars.delete(p.id, "API_URL", { branch: "x" })).toBe(1);
    expect(await store.envVars.delete(p.id, "API_URL", { branch: null })).toBe(2);
    expect(await store.envVars.delete(p.id, "API_URL", { branch: "x" })).toBe(0);
    expect(await store.envVars.delete(p.id, "API_URL")).toBe(1);
    expect((await store.envVars.listByProject(p.id)).map((v) => v.key)).toEqual(["OTHER"]);
  });

  test("envVars: all lists the variables of every project", async (store) => {
    const a = await savedProject(store);
    const b = await savedProject(store);
    await store.envVars.upsert(envVar(a.id));
    await store.envVars.upsert(envVar(b.id, { key: "B" }));
    const all = await store.envVars.all();
    expect(all.map((v) => v.projectId).sort()).toEqual([a.id, b.id].sort());
  });
}
