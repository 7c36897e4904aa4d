import { runDomainEdgeContract } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ROUTING_ENDPOINT,
  mockCloudFrontTenants,
  recordingRouteTable,
} from "../test-support/fake-cloudfront-tenants.ts";
import { createTenantDomainEdge, tenantName } from "./tenant-domain-edge.ts";

const options = { distributionId: "EMULTI", connectionGroupId: "cg_1", client: { region: "us-east-1" } };

function rig() {
  const cloudfront = mockCloudFrontTenants();
  const store = createMemoryStore(createMemoryQueue());
  const routes = recordingRouteTable();
  const edge = createTenantDomainEdge({ ...options, store, routes });
  return { cloudfront, store, routes, edge };
}

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

runDomainEdgeContract({
  name: "cloudfront-tenant",
  create: async () => {
    const { cloudfront, store, routes, edge } = rig();
    restore = cloudfront.restore;
    return {
      edge,
      point: (hostname) => cloudfront.point(hostname),
      issue: (site) => cloudfront.issue(tenantName(site)),
      failCertificate: (site) => cloudfront.failCertificate(tenantName(site)),
      settle: () => cloudfront.deployAll(),
      setProduction: async (site, deploymentId) => {
        await store.aliases.set({ hostname: `${site}.sites.test`, projectId: site, deploymentId, kind: "production" });
      },
      routed: async (hostname) => routes.hosts.get(hostname)?.deploymentId ?? null,
    };
  },
});

describe("CloudFront tenant DomainEdge: the calls it makes", () => {
  it("shows the connection group's routing endpoint as the CNAME, asking CloudFront once", async () => {
    const { cloudfront, edge } = rig();
    restore = cloudfront.restore;
    const records = await edge.records("shop.example.com");
    await edge.records("www.example.com");
    expect(records).toEqual([
      expect.objectContaining({ type: "CNAME", name: "shop.example.com", value: FAKE_ROUTING_ENDPOINT }),
    ]);
    expect(
      cloudfront.mock.commandCalls((await import("@aws-sdk/client-cloudfront")).GetConnectionGroupCommand),
    ).toHaveLength(1);
  });

  it("creates the site's tenant on the multi-tenant distribution and connection group, tagged with the site", async () => {
    const { cloudfront, edge } = rig();
    restore = cloudfront.restore;
    const { CreateDistributionTenantCommand, VerifyDnsConfigurationCommand } = await import(
      "@aws-sdk/client-cloudfront"
    );
    const outcome = await edge.verify("p1", "shop.example.com");
    expect(outcome).toEqual({
      ok: false,
      reason: `CloudFront: invalid-configuration: The DNS record for shop.example.com does not point to ${FAKE_ROUTING_ENDPOINT}`,
    });
    const [create] = cloudfront.mock.commandCalls(CreateDistributionTenantCommand);
    expect(create?.args[0].input).toEqual({
      DistributionId: "EMULTI",
      Name: "slipway-site-p1",
      Domains: [{ Domain: "shop.example.com" }],
      ConnectionGroupId: "cg_1",
      Enabled: true,
      Tags: { Items: [{ Key: "slipway:site", Value: "p1" }] },
    });
    expect(cloudfront.mock.commandCalls(VerifyDnsConfigurationCommand)[0]?.args[0].input).toEqual({
      Identifier: "dt_1",
      Domain: "shop.example.com",
    });
  });

  it("requests a CloudFront-managed certificate validated over HTTP by CloudFront, naming the first domain", async () => {
    const { cloudfront, edge } = rig();
    restore = cloudfront.restore;
    const { UpdateDistributionTenantCommand } = await import("@aws-sdk/client-cloudfront");
    cloudfront.point("shop.example.com");
    await edge.verify("p1", "shop.example.com");
    await edge.certify("p1", "shop.example.com");
    const updates = cloudfront.mock.commandCalls(UpdateDistributionTenantCommand).map((c) => c.args[0].input);
    expect(updates).toEqual([
      expect.objectContaining({
        Id: "dt_1",
        Domains: [{ Domain: "shop.example.com" }],
        ManagedCertificateRequest: {
          ValidationTokenHost: "cloudfront",
          PrimaryDomainName: "shop.example.com",
          CertificateTransparencyLoggingPreference: "enabled",
        },
      }),
    ]);
  });

  it("retries an update that lost the ETag race on the tenant as it is now", async () => {
    const { cloudfront, edge } = rig();
    restore = cloudfront.restore;
    const { UpdateDistributionTenantCommand } = await import("@aws-sdk/client-cloudfront");
    cloudfront.point("a.example.com");
    await edge.verify("p1", "a.example.com");
    const read = cloudfront.tenant("slipway-site-p1")?.etag;
    cloudfront.raceNextRead();
    await edge.verify("p1", "b.example.com");
    const updates = cloudfront.mock.commandCalls(UpdateDistributionTenantCommand);
    expect(updates).toHaveLength(2);
    expect(updates[0]?.args[0].input.IfMatch).toBe(read);
    expect(updates[1]?.args[0].input.IfMatch).not.toBe(read);
    expect(cloudfront.tenant("slipway-site-p1")?.Domains?.map((d) => d.Domain)).toEqual([
      "a.example.com",
      "b.example.com",
    ]);
  });

  it("removes the last domain by disabling the tenant, then deleting it once deployed", async () => {
    const { cloudfront, edge } = rig();
    restore = cloudfront.restore;
    const { DeleteDistributionTenantCommand, UpdateDistributionTenantCommand } = await import(
      "@aws-sdk/client-cloudfront"
    );
    cloudfront.point("shop.example.com");
    await edge.verify("p1", "shop.example.com");
    expect(await edge.detach("p1", "shop.example.com")).toBe("again");
    expect(cloudfront.mock.commandCalls(UpdateDistributionTenantCommand).at(-1)?.args[0].input).toMatchObject({
      Enabled: false,
    });
    expect(await edge.detach("p1", "shop.example.com")).toBe("again");
    expect(cloudfront.mock.commandCalls(DeleteDistributionTenantCommand)).toHaveLength(0);
    cloudfront.deployAll();
    expect(await edge.detach("p1", "shop.example.com")).toBe("done");
    expect(cloudfront.mock.commandCalls(DeleteDistributionTenantCommand)).toHaveLength(1);
    expect(cloudfront.tenant("slipway-site-p1")).toBeNull();
  });
});
