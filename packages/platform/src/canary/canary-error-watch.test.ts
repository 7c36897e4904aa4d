import { CANARY_ALARM_JOB, type CoreDeps, handleCanaryJob, promote } from "@slipway/core";
import { deployment, project } from "@slipway/core/contracts";
import { createMemoryLogStore, createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { createChangeWatch } from "@slipway/runtime";
import { describe, expect, it } from "vitest";
import { edgeCanaryWatch } from "./edge-canary-watch.ts";
import { watchCanaryErrors } from "./watch-canary-errors.ts";

// Automatic rollback on the local target: the edge's request reports, a fake clock, the real
// use cases on the in-memory store, and the `canary.alarm` step run as the step runner runs it.

/** The change watch reads its stamp once per turn of the event loop. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function canarySite() {
  const jobs: Array<{ type: string; payload: unknown }> = [];
  const deps = {
    store: createMemoryStore(createMemoryQueue()),
    logs: createMemoryLogStore(),
    queue: {
      name: "recording",
      async enqueue(type: string, payload: unknown) {
        jobs.push({ type, payload });
        return String(jobs.length);
      },
    },
    urls: { hostname: (l: string) => `${l}.localhost`, url: (h: string) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 0 },
    canaryWatch: edgeCanaryWatch,
  } as unknown as CoreDeps;
  const site = project({ name: "shop" });
  await deps.store.projects.create(site);
  const [stable, next] = [1, 2].map((n) =>
    deployment(site.id, {
      environment: "production",
      status: "ready",
      artifactKey: `artifacts/${n}.tar`,
      createdAt: `2026-01-0${n}T00:00:00.000Z`,
    }),
  ) as [ReturnType<typeof deployment>, ReturnType<typeof deployment>];
  await deps.store.deployments.create(stable);
  await deps.store.deployments.create(next);
  await promote(deps, site, stable.id);
  await promote(deps, site, next.id, { canary: 20 });
  jobs.length = 0;

  let stamp = 0;
  let clock = 1_000_000;
  const lines: string[] = [];
  const changes = createChangeWatch(() => stamp);
  const watch = watchCanaryErrors(
    deps,
    changes,
    (line) => lines.push(line),
    () => clock,
  );
  const fail = async (at: number, id = next.id, servedBy: "function" | "edge" | "cache" = "function", status = 500) => {
    clock = at;
    await watch.observe({ deploymentId: id, status, servedBy });
  };
  /** The store changed (as SQLite's stamp would say): the watch reads the alias afresh. */
  const changed = async () => {
    stamp++;
    await nextTurn();
  };
  const alarms = () => jobs.filter((j) => j.type === CANARY_ALARM_JOB);
  return { deps, site, stable, next, jobs, alarms, fail, changed, lines };
}

describe("canary errors at the local edge", () => {
  it("five worker 5xx within 60 s cancel the canary, with the reason in its log", async () => {
    const { deps, next, stable, alarms, fail } = await canarySite();
    for (const s of [0, 10, 20, 30]) await fail(1_000_000 + s * 1000);
    expect(alarms()).toEqual([]);
    await fail(1_000_000 + 59_000, next.id, "function", 503);
    const [alarm] = alarms();
    expect(alarm?.payload).toEqual({
      deploymentId: next.id,
      reason: "5 server errors (5xx) from its worker within 60 s, the last 503",
    });

    await handleCanaryJob(deps, alarm as { type: string; payload: unknown });
    const alias = await deps.store.aliases.get("shop.localhost");
    expect(alias?.deploymentId).toBe(stable.id);
    expect(alias?.canary).toBeUndefined();
    const log = (await deps.logs.read(next.id)).map((l) => l.text).join("\n");
    expect(log).toContain("Canary cancelled (error alarm: 5 server errors (5xx) from its worker within 60 s");
  });

  it("counts within any 60 s: five errors spread over more do not alarm, the window slides on", async () => {
    const { alarms, fail } = await canarySite();
    for (const s of [0, 10, 20, 30, 60]) await fail(1_000_000 + s * 1000);
    expect(alarms()).toEqual([]);
    await fail(1_000_000 + 69_000); // 10, 20, 30, 60, 69: five within 59 s
    expect(alarms()).toHaveLength(1);
    // Counted once: the next alarm needs five new errors.
    for (let i = 0; i < 4; i++) await fail(1_000_000 + 70_000 + i);
    expect(alarms()).toHaveLength(1);
  });

  it("ignores the stable deployment, the edge's own errors, cache answers and non-5xx statuses", async () => {
    const { stable, next, alarms, fail } = await canarySite();
    for (let i = 0; i < 10; i++) {
      await fail(1_000_000 + i, stable.id);
      await fail(1_000_000 + i, next.id, "edge", 503);
      await fail(1_000_000 + i, next.id, "cache", 500);
      await fail(1_000_000 + i, next.id, "function", 404);
    }
    expect(alarms()).toEqual([]);
  });

  it("stops counting a canary that ended (completed: production for everyone)", async () => {
    const { deps, site, next, alarms, fail, changed } = await canarySite();
    await fail(1_000_000);
    await promote(deps, site, next.id); // completed: production for everyone
    await changed();
    for (let i = 1; i < 10; i++) await fail(1_000_000 + i);
    expect(alarms()).toEqual([]);
  });
});
