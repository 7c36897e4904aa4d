import { deploymentHostLabel, type Store } from "@slipway/core";
import { createMemoryQueue } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../dynamodb/store.ts";
import { createRoutesHandler } from "../lambda/routes.ts";
import { createStreamPump, type DynamoDbLocal, type StreamPump, startDynamoDbLocal } from "../test-support/index.ts";
import { createMemoryEdgeRouteTable, type MemoryEdgeRouteTable } from "./memory-route-table.ts";
import { loadViewerRequestFunction, viewerRequest } from "./viewer-request-sandbox.ts";

// Alias items written by the real DynamoDB store, read back from DynamoDB Local's stream and
// handed to the routes Lambda's handler, as the event source mapping does on AWS: the item shape
// the relay reads is the one the store writes.

const PROJECT = "p000000001";
const OLD = "a000000001";
const NEW = "b000000002";
const PRODUCTION = "shop.sites.example.test";

let dynamo: DynamoDbLocal;
let store: Store;
let routes: MemoryEdgeRouteTable;
let pump: StreamPump;
const results: { relayed: number; refused: number }[] = [];

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  const tableName = await dynamo.createStoreTable();
  store = createDynamoStore({ tableName, client: dynamo.client });
  routes = createMemoryEdgeRouteTable();
  const handler = createRoutesHandler(routes, store);
  pump = createStreamPump(dynamo.client, tableName, createMemoryQueue(), async (records) => {
    const result = await handler({ Records: records });
    results.push(result);
    return result.relayed;
  });
  for (const id of [OLD, NEW]) {
    await routes.putDeployment(id, {
      server: `srv${id}.lambda-url.us-east-1.on.aws`,
      image: null,
      assets: `assets/${id}`,
    });
  }
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

const alias = (hostname: string, deploymentId: string, kind: "production" | "branch" | "deployment") => ({
  hostname,
  projectId: PROJECT,
  deploymentId,
  kind,
});

async function served(host: string) {
  const fn = loadViewerRequestFunction(routes.entries);
  const out = await fn.handler(viewerRequest({ host }));
  return out.statusCode ?? out.headers["x-slipway-deployment"]?.value;
}

describe("the alias relay (DynamoDB stream → edge route table)", () => {
  it("moves production on a deploy and a rollback, and the function follows", async () => {
    expect(await store.aliases.set(alias(PRODUCTION, OLD, "production"))).toBe(true);
    await pump.pump();
    expect(routes.host(PRODUCTION)).toEqual({ deploymentId: OLD });
    expect(await served(PRODUCTION)).toBe(OLD);

    expect(await store.aliases.setIf(alias(PRODUCTION, NEW, "production"), OLD)).toBe(true);
    await pump.pump();
    expect(await served(PRODUCTION)).toBe(NEW);

    // Rollback: one alias write (MODIFY), no build.
    expect(await store.aliases.set(alias(PRODUCTION, OLD, "production"))).toBe(true);
    await pump.pump();
    expect(routes.host(PRODUCTION)).toEqual({ deploymentId: OLD });
    expect(await served(PRODUCTION)).toBe(OLD);
  });

  it("writes branch hosts, leaves immutable hosts to their label, and deletes removed aliases", async () => {
    const branch = "shop-git-main.sites.example.test";
    const immutable = `${deploymentHostLabel("shop", NEW)}.sites.example.test`;
    await store.aliases.set(alias(branch, NEW, "branch"));
    await store.aliases.set(alias(immutable, NEW, "deployment"));
    await pump.pump();
    expect(routes.host(branch)).toEqual({ deploymentId: NEW });
    expect(routes.host(immutable)).toBeNull();
    expect(await served(immutable)).toBe(NEW);

    expect(await store.aliases.delete(branch, PROJECT)).toBe(true);
    await pump.pump();
    expect(routes.host(branch)).toBeNull();
    expect(await served(branch)).toBe(404);
  });

  it("skips an alias the edge cannot route without holding up the ones after it", async () => {
    results.length = 0;
    await store.aliases.set(alias("under_score.example.test", NEW, "production"));
    await store.aliases.set(alias("www.example.test", NEW, "production"));
    await pump.pump();
    expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(1);
    expect(routes.host("www.example.test")).toEqual({ deploymentId: NEW });
  });
});
