import { domainRouteOf } from "@slipway/core";
import { deployment, domain, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { createChangeWatch } from "./stamped-cache.ts";
import { routeThroughStore } from "./store-routing.ts";
import { createDomainDirectory } from "./tls/domain-directory.ts";

/** The watch reads the stamp once per turn of the event loop: the next request's turn. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function seeded() {
  const store = createMemoryStore(createMemoryQueue());
  const site = project({ id: "prj_1", name: "site" });
  await store.projects.create(site);
  const [a, b] = [deployment("prj_1", { id: "dpl_a" }), deployment("prj_1", { id: "dpl_b" })];
  await store.deployments.create(a);
  await store.deployments.create(b);
  await store.aliases.set({
    hostname: "site.localhost",
    projectId: "prj_1",
    deploymentId: "dpl_a",
    kind: "production",
  });
  await store.domains.create(domain("prj_1", { hostname: "shop.example.com", status: "active" }));
  // Counts alias reads, the cost the cache saves.
  let reads = 0;
  const aliases = new Proxy(store.aliases, {
    get: (target, key, receiver) => {
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function"
        ? (...args: unknown[]) => {
            reads++;
            return value.apply(target, args);
          }
        : value;
    },
  });
  return { store, counted: { ...store, aliases }, reads: () => reads };
}

describe("routing through the store", () => {
  it("reads the store per request without a change watch", async () => {
    const { counted, reads } = await seeded();
    const routing = routeThroughStore(counted);
    for (let i = 0; i < 3; i++)
      expect(await routing.resolveHost("site.localhost")).toEqual({ deploymentId: "dpl_a", projectId: "prj_1" });
    expect(reads()).toBe(3);
  });

  it("remembers Host → deployment until the stamp moves, so a promote still moves the next request", async () => {
    const { store, counted, reads } = await seeded();
    let stamp = 0;
    const changes = createChangeWatch(() => stamp);
    const directory = createDomainDirectory({
      find: async (hostname) => {
        const found = await store.domains.get(hostname);
        return found ? domainRouteOf(found) : null;
      },
      changeStamp: () => stamp,
    });
    const routing = routeThroughStore(counted, { customDomains: directory, changes });
    for (let i = 0; i < 3; i++) {
      expect((await routing.resolveHost("site.localhost"))?.deploymentId).toBe("dpl_a");
      expect((await routing.resolveHost("shop.example.com"))?.deploymentId).toBe("dpl_a");
      expect(await routing.resolveHost("unknown.test")).toBeNull();
      await nextTurn();
    }
    // One read each: the project host's alias, the domain's production alias, the unknown host.
    expect(reads()).toBe(3);
    // A remembered host is answered at once, not through a promise (no tick on the request path).
    expect(routing.resolveHost("shop.example.com")).toMatchObject({ deploymentId: "dpl_a" });

    await store.aliases.set({
      hostname: "site.localhost",
      projectId: "prj_1",
      deploymentId: "dpl_b",
      kind: "production",
    });
    stamp++;
    await nextTurn();
    expect((await routing.resolveHost("site.localhost"))?.deploymentId).toBe("dpl_b");
    expect((await routing.resolveHost("shop.example.com"))?.deploymentId).toBe("dpl_b");
    expect(await routing.getDeployment("dpl_b")).toEqual({ projectId: "prj_1" });
  });

  it("carries the production alias's canary in the remembered target, for the project host and its custom domain", async () => {
    const { store, counted, reads } = await seeded();
    await store.aliases.set({
      hostname: "site.localhost",
      projectId: "prj_1",
      deploymentId: "dpl_a",
      kind: "production",
      canary: { deploymentId: "dpl_b", percent: 10, startedAt: "2026-01-01T00:00:00.000Z" },
    });
    const changes = createChangeWatch(() => 0);
    const directory = createDomainDirectory({
      find: async (hostname) => {
        const found = await store.domains.get(hostname);
        return found ? domainRouteOf(found) : null;
      },
      changeStamp: () => 0,
    });
    const routing = routeThroughStore(counted, { customDomains: directory, changes });
    const split = { deploymentId: "dpl_a", projectId: "prj_1", canary: { deploymentId: "dpl_b", percent: 10 } };
    for (let i = 0; i < 3; i++) {
      expect(await routing.resolveHost("site.localhost")).toEqual(split);
      expect(await routing.resolveHost("shop.example.com")).toEqual(split);
      await nextTurn();
    }
    expect(reads()).toBe(2);
  });
});
