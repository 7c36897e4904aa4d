import {
  CloudFrontClient,
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  type DistributionTenant,
  type DomainItem,
  GetConnectionGroupCommand,
  GetDistributionTenantCommand,
  GetManagedCertificateDetailsCommand,
  type ManagedCertificateDetails,
  UpdateDistributionTenantCommand,
  VerifyDnsConfigurationCommand,
} from "@aws-sdk/client-cloudfront";
import { mockClient } from "aws-sdk-client-mock";
import type { EdgeRouteTable, HostTarget } from "../edge/route-table.ts";

export const FAKE_ROUTING_ENDPOINT = "d111111abcdef8.cloudfront.net";

/**
 * CloudFront SaaS Manager at the SDK (aws-sdk-client-mock), with the state the tenant API keeps:
 * tenants by name with ETags (a stale IfMatch is PreconditionFailed), one domain in one tenant
 * (CNAMEAlreadyExists), DNS as the test sets it (`point`), a managed certificate the test moves
 * (`issue`, `failCertificate`), and a disabled tenant that deploys only when the test says so.
 */
export function mockCloudFrontTenants() {
  const mock = mockClient(CloudFrontClient);
  const tenants = new Map<string, DistributionTenant & { etag: string }>();
  const certificates = new Map<string, ManagedCertificateDetails>();
  const pointed = new Set<string>();
  let etags = 0;
  let raceNextRead = false;
  const fail = (name: string, message = name) => Object.assign(new Error(message), { name });
  const byIdentifier = (identifier: string | undefined) =>
    [...tenants.values()].find((t) => t.Name === identifier || t.Id === identifier) ?? null;
  const stamp = (t: DistributionTenant & { etag: string }) => {
    t.etag = `E${++etags}`;
    return { DistributionTenant: { ...t }, ETag: t.etag };
  };
  const holder = (domain: string) => [...tenants.values()].find((t) => t.Domains?.some((d) => d.Domain === domain));

  mock.on(GetConnectionGroupCommand).callsFake(async () => ({
    ConnectionGroup: { RoutingEndpoint: FAKE_ROUTING_ENDPOINT },
  }));
  mock.on(GetDistributionTenantCommand).callsFake(async (input) => {
    const t = byIdentifier(input.Identifier);
    if (!t) throw fail("EntityNotFound");
    const read = { DistributionTenant: { ...t }, ETag: t.etag };
    if (raceNextRead) {
      raceNextRead = false;
      t.etag = `E${++etags}`;
    }
    return read;
  });
  mock.on(CreateDistributionTenantCommand).callsFake(async (input) => {
    if ([...tenants.values()].some((t) => t.Name === input.Name)) throw fail("EntityAlreadyExists");
    for (const d of input.Domains ?? [])
      if (holder(d.Domain as string)) throw fail("CNAMEAlreadyExists", `${d.Domain} is in use`);
    const t = {
      Id: `dt_${tenants.size + 1}`,
      Name: input.Name,
      DistributionId: input.DistributionId,
      Domains: (input.Domains ?? []).map((d: DomainItem) => ({ Domain: d.Domain, Status: "inactive" as const })),
      Enabled: input.Enabled ?? true,
      Status: "InProgress",
      etag: "",
    };
    tenants.set(t.Id, t);
    return stamp(t);
  });
  mock.on(UpdateDistributionTenantCommand).callsFake(async (input) => {
    const t = byIdentifier(input.Id);
    if (!t) throw fail("EntityNotFound");
    if (input.IfMatch !== t.etag) throw fail("PreconditionFailed");
    if (input.Domains) {
      for (const d of input.Domains) {
        const other = holder(d.Domain as string);
        if (other && other !== t) throw fail("CNAMEAlreadyExists", `${d.Domain} is in use`);
      }
      const before = new Map((t.Domains ?? []).map((d) => [d.Domain, d.Status]));
      t.Domains = input.Domains.map((d: DomainItem) => ({
        Domain: d.Domain,
        Status: before.get(d.Domain) ?? "inactive",
      }));
    }
    if (input.Enabled !== undefined) {
      t.Enabled = input.Enabled;
      t.Status = "InProgress";
    }
    if (input.ManagedCertificateRequest) {
      certificates.set(t.Name as string, {
        CertificateStatus: "pending-validation",
        ValidationTokenHost: input.ManagedCertificateRequest.ValidationTokenHost,
        ValidationTokenDetails: (t.Domains ?? []).map((d) => ({ Domain: d.Domain })),
      });
    }
    return stamp(t);
  });
  mock.on(DeleteDistributionTenantCommand).callsFake(async (input) => {
    const t = byIdentifier(input.Id);
    if (!t) throw fail("EntityNotFound");
    if (input.IfMatch !== t.etag) throw fail("PreconditionFailed");
    if (t.Enabled !== false || t.Status !== "Deployed") throw fail("ResourceNotDisabled");
    tenants.delete(t.Id as string);
    certificates.delete(t.Name as string);
    return {};
  });
  mock.on(GetManagedCertificateDetailsCommand).callsFake(async (input) => {
    const t = byIdentifier(input.Identifier);
    const details = t && certificates.get(t.Name as string);
    if (!details) throw fail("EntityNotFound");
    return { ManagedCertificateDetails: { ...details } };
  });
  mock.on(VerifyDnsConfigurationCommand).callsFake(async (input) => {
    const domain = input.Domain as string;
    if (!byIdentifier(input.Identifier)) throw fail("EntityNotFound");
    return {
      DnsConfigurationList: [
        pointed.has(domain)
          ? { Domain: domain, Status: "valid-configuration" }
          : {
              Domain: domain,
              Status: "invalid-configuration",
              Reason: `The DNS record for ${domain} does not point to ${FAKE_ROUTING_ENDPOINT}`,
            },
      ],
    };
  });

  const tenantOf = (name: string) => [...tenants.values()].find((t) => t.Name === name) ?? null;
  return {
    mock,
    restore: () => mock.restore(),
    tenant: tenantOf,
    certificate: (name: string) => certificates.get(name) ?? null,
    /** The user sets the CNAME. */
    point: (hostname: string) => pointed.add(hostname),
    /** CloudFront validated the certificate of tenant `name`; its domains go active. */
    issue(name: string) {
      const cert = certificates.get(name);
      const t = tenantOf(name);
      if (!cert || !t) throw new Error(`no certificate request on ${name}`);
      cert.CertificateStatus = "issued";
      for (const d of t.Domains ?? []) d.Status = "active";
    },
    failCertificate(name: string, status: "validation-timed-out" | "failed" = "validation-timed-out") {
      const cert = certificates.get(name);
      if (!cert) throw new Error(`no certificate request on ${name}`);
      cert.CertificateStatus = status;
    },
    /** Another writer changes the tenant right after the next read: that reader's ETag is stale. */
    raceNextRead() {
      raceNextRead = true;
    },
    /** CloudFront finished deploying every tenant's last change (a disable, say). */
    deployAll() {
      for (const t of tenants.values()) t.Status = "Deployed";
    },
  };
}

/** An EdgeRouteTable that remembers what it was told (the KeyValueStore adapter is the edge's). */
export function recordingRouteTable(): EdgeRouteTable & { readonly hosts: Map<string, HostTarget> } {
  const hosts = new Map<string, HostTarget>();
  return {
    hosts,
    async putDeployment() {},
    async deleteDeployment() {},
    async putHost(hostname, target) {
      hosts.set(hostname, target);
    },
    async deleteHost(hostname) {
      hosts.delete(hostname);
    },
  };
}
