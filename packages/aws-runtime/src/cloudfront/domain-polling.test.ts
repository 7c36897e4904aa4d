import {
  type Domain,
  type DomainEdge,
  domainPollDelayMs,
  MAX_DOMAIN_POLLS,
  PROVISION_DOMAIN_JOB,
  provisionDomainStep,
  verifyDomain,
} from "@slipway/core";
import { domain as domainFixture, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";

// The provisioning chain's bounds, hermetic: an edge whose certificate never settles.
const stuckEdge: DomainEdge = {
  name: "stuck",
  records: async (hostname) => [{ type: "CNAME", name: hostname, value: "edge.test", purpose: "points it" }],
  verify: async () => ({ ok: true }),
  certify: async () => {},
  state: async () => ({ state: "issuing", reason: "pending-validation" }),
  serve: async () => {},
  detach: async () => "done",
};

async function issuingDomain() {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  const p = project();
  await store.projects.create(p);
  const domain: Domain = domainFixture(p.id, {
    hostname: "shop.example.com",
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
  await store.domains.create(domain);
  return { store, queue, domain };
}

describe("custom domain provisioning on an edge that certifies", () => {
  it("backs off 15 s, 30 s, 60 s, … and never waits more than 5 minutes (SQS delays stop at 15)", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(domainPollDelayMs)).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000,
    ]);
  });

  it("verify without a resolver asks the edge and queues provisioning, not an ACME order", async () => {
    const { store, queue, domain } = await issuingDomain();
    const { outcome } = await verifyDomain({ store, queue, domainEdge: stuckEdge }, domain);
    expect(outcome).toEqual({ verified: true });
    const job = await queue.claim(1000);
    expect(job?.type).toBe(PROVISION_DOMAIN_JOB);
  });

  it("a certificate still issuing after the last poll fails with the count and the edge's reason", async () => {
    const { store, queue, domain } = await issuingDomain();
    const deps = { store, queue, domainEdge: stuckEdge };
    await verifyDomain(deps, domain);
    await provisionDomainStep(deps, { hostname: domain.hostname });
    let issuing = await store.domains.get(domain.hostname);
    expect(issuing?.status).toBe("issuing");
    await provisionDomainStep(deps, {
      hostname: domain.hostname,
      attempt: MAX_DOMAIN_POLLS,
      due: issuing?.nextAttemptAt ?? "",
    });
    issuing = await store.domains.get(domain.hostname);
    expect(issuing?.status).toBe("failed");
    expect(issuing?.statusReason).toMatch(
      new RegExp(`^certificate failed: still issuing after ${MAX_DOMAIN_POLLS} checks: pending-validation`),
    );
  });
});
