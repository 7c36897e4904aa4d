import { marshall } from "@aws-sdk/util-dynamodb";
import type { Domain } from "@slipway/core";
import { domain, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { createRoutesHandler } from "../lambda/routes.ts";
import { createMemoryEdgeRouteTable } from "./memory-route-table.ts";

// The routes Lambda on stream records of alias items with a canary (the split a canary release
// writes on the production alias): the host entry and the site's custom domains carry it.

const STABLE = "stable0001";
const CANARY = "canary0001";
const now = new Date().toISOString();

/** An active custom domain of the project. */
const activeDomain = (projectId: string, hostname: string): Domain => domain(projectId, { hostname, status: "active" });

const productionRecord = (projectId: string, canary?: { deploymentId: string; percent: number }) => ({
  eventName: "MODIFY",
  dynamodb: {
    Keys: marshall({ pk: "ALIAS#shop.sites.test", sk: "ALIAS" }),
    NewImage: marshall({
      pk: "ALIAS#shop.sites.test",
      sk: "ALIAS",
      hostname: "shop.sites.test",
      projectId,
      deploymentId: STABLE,
      kind: "production",
      ...(canary ? { canary: { ...canary, startedAt: now } } : {}),
    }),
  },
});

describe("alias relay: canary splits reach the edge", () => {
  it("a production alias with a canary becomes a split host entry, for its custom domains too; without, the split ends", async () => {
    const store = createMemoryStore(createMemoryQueue());
    const p = project();
    await store.projects.create(p);
    await store.domains.create(activeDomain(p.id, "shop.example.com"));
    const table = createMemoryEdgeRouteTable();
    const handle = createRoutesHandler(table, store);

    expect(await handle({ Records: [productionRecord(p.id, { deploymentId: CANARY, percent: 10 })] })).toEqual({
      relayed: 1,
      refused: 0,
    });
    const split = { deploymentId: STABLE, canary: { deploymentId: CANARY, percent: 10 } };
    expect(table.host("shop.sites.test")).toEqual(split);
    expect(table.host("shop.example.com")).toEqual(split);

    await handle({ Records: [productionRecord(p.id)] });
    expect(table.host("shop.sites.test")).toEqual({ deploymentId: STABLE });
    expect(table.host("shop.example.com")).toEqual({ deploymentId: STABLE });
  });

  it("a canary the edge cannot route is refused and logged, not retried", async () => {
    const store = createMemoryStore(createMemoryQueue());
    const p = project();
    await store.projects.create(p);
    const table = createMemoryEdgeRouteTable();
    const result = await createRoutesHandler(
      table,
      store,
    )({
      Records: [productionRecord(p.id, { deploymentId: "../evil", percent: 10 })],
    });
    expect(result).toEqual({ relayed: 0, refused: 1 });
    expect(table.host("shop.sites.test")).toBeNull();
  });
});
