import { marshall } from "@aws-sdk/util-dynamodb";
import type { Domain } from "@slipway/core";
import { domain, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { recordingRouteTable } from "../test-support/fake-cloudfront-tenants.ts";
import { routeCustomDomainsOfProductionMoves } from "./route-domains.ts";

/** An active custom domain of the project (unless `over` says otherwise). */
const domainOf = (projectId: string, hostname: string, over: Partial<Domain> = {}): Domain =>
  domain(projectId, { hostname, status: "active", ...over });

/** A stream record of an alias item as the table writes it (NEW_IMAGE). */
const aliasRecord = (eventName: string, alias: Record<string, string>) => ({
  eventName,
  dynamodb: { NewImage: marshall({ pk: `ALIAS#${alias.hostname}`, sk: "ALIAS", ...alias }) },
});

describe("custom domains follow a site's production alias (table stream)", () => {
  it("routes the site's active, non-redirecting domains to the deployment the record names; other records pass by", async () => {
    const store = createMemoryStore(createMemoryQueue());
    const routes = recordingRouteTable();
    const p = project();
    await store.projects.create(p);
    await store.domains.create(domainOf(p.id, "shop.example.com"));
    await store.domains.create(domainOf(p.id, "www.shop.example.com", { redirectTo: "shop.example.com" }));
    await store.domains.create(domainOf(p.id, "new.example.com", { status: "issuing" }));

    const routed = await routeCustomDomainsOfProductionMoves(
      [
        aliasRecord("MODIFY", {
          hostname: "shop.sites.test",
          projectId: p.id,
          deploymentId: "dep-1",
          kind: "production",
        }),
        aliasRecord("MODIFY", {
          hostname: "shop.sites.test",
          projectId: p.id,
          deploymentId: "dep-2",
          kind: "production",
        }),
        aliasRecord("INSERT", {
          hostname: "shop-git-x.sites.test",
          projectId: p.id,
          deploymentId: "dep-9",
          kind: "branch",
        }),
        aliasRecord("REMOVE", {
          hostname: "shop.sites.test",
          projectId: p.id,
          deploymentId: "dep-0",
          kind: "production",
        }),
        { eventName: "INSERT", dynamodb: { NewImage: marshall({ pk: "OUTBOX#1", sk: "OUTBOX" }) } },
      ],
      { store, routes },
    );
    expect(routed).toEqual(["shop.example.com"]);
    expect([...routes.hosts]).toEqual([["shop.example.com", { deploymentId: "dep-2" }]]);
  });
});
