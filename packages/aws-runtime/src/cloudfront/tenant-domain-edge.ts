import {
  CloudFrontClient,
  type CloudFrontClientConfig,
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  type DistributionTenant,
  GetConnectionGroupCommand,
  GetDistributionTenantCommand,
  GetManagedCertificateDetailsCommand,
  type ManagedCertificateDetails,
  UpdateDistributionTenantCommand,
  VerifyDnsConfigurationCommand,
} from "@aws-sdk/client-cloudfront";
import type { DnsRecord, DomainEdge, DomainEdgeCheck, DomainEdgeState, Store } from "@slipway/core";
import { SITE_TAG } from "../cost/tags.ts";
import type { EdgeRouteTable } from "../edge/route-table.ts";
import { routeDomain } from "./route-domains.ts";

export interface TenantDomainEdgeOptions {
  /** A client, or its config (region us-east-1 or any: CloudFront is global). */
  readonly client: CloudFrontClient | CloudFrontClientConfig;
  /** The multi-tenant distribution (`ConnectionMode=tenant-only`) every site's tenant belongs to. */
  readonly distributionId: string;
  /** The connection group whose routing endpoint custom domains CNAME to. */
  readonly connectionGroupId: string;
  readonly store: Pick<Store, "aliases">;
  readonly routes: EdgeRouteTable;
}

/** A certificate in one of these states will not become `issued` without a new request. */
const DEAD_CERTIFICATE = new Set(["validation-timed-out", "failed", "revoked", "expired", "inactive"]);
/** A conditional update that lost a race is retried on the tenant as it is now. */
const UPDATE_ATTEMPTS = 3;

/** The site's tenant: named after the project's id, so no mapping needs storing. */
export function tenantName(site: string): string {
  return `slipway-site-${site}`;
}

/**
 * DomainEdge on CloudFront SaaS Manager: one distribution tenant per site, on one multi-tenant
 * distribution, holding the site's custom domains and a CloudFront-managed certificate (HTTP
 * validation, served by CloudFront once the domain's CNAME points at the connection group).
 * The user sets one CNAME; no key or validation record ever passes through Slipway.
 */
export function createTenantDomainEdge(options: TenantDomainEdgeOptions): DomainEdge {
  const cf = options.client instanceof CloudFrontClient ? options.client : new CloudFrontClient(options.client);
  let routingEndpoint: string | null = null;

  async function getTenant(site: string): Promise<{ tenant: DistributionTenant; etag: string } | null> {
    try {
      const out = await cf.send(new GetDistributionTenantCommand({ Identifier: tenantName(site) }));
      if (!out.DistributionTenant?.Id || !out.ETag)
        throw new Error(`tenant ${tenantName(site)} came back without an id or ETag`);
      return { tenant: out.DistributionTenant, etag: out.ETag };
    } catch (error) {
      if ((error as Error).name === "EntityNotFound") return null;
      throw error;
    }
  }

  async function getCertificate(site: string): Promise<ManagedCertificateDetails | null> {
    try {
      const out = await cf.send(new GetManagedCertificateDetailsCommand({ Identifier: tenantName(site) }));
      return out.ManagedCertificateDetails ?? null;
    } catch (error) {
      if ((error as Error).name === "EntityNotFound") return null;
      throw error;
    }
  }

  const domainsOf = (tenant: DistributionTenant) => (tenant.Domains ?? []).flatMap((d) => (d.Domain ? [d.Domain] : []));

  /** Retries `change` on a fresh read when another writer changed the tenant in between (ETag). */
  async function withTenant<T>(
    site: string,
    change: (current: { tenant: DistributionTenant; etag: string } | null) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await change(await getTenant(site));
      } catch (error) {
        if ((error as Error).name !== "PreconditionFailed" || attempt >= UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** The tenant exists and lists `hostname` (created with it, or updated to add it). */
  async function ensureDomain(site: string, hostname: string): Promise<DistributionTenant> {
    return withTenant(site, async (current) => {
      if (current === null) {
        const out = await cf.send(
          new CreateDistributionTenantCommand({
            DistributionId: options.distributionId,
            Name: tenantName(site),
            Domains: [{ Domain: hostname }],
            ConnectionGroupId: options.connectionGroupId,
            Enabled: true,
            Tags: { Items: [{ Key: SITE_TAG, Value: site }] },
          }),
        );
        if (!out.DistributionTenant) throw new Error(`CreateDistributionTenant returned no tenant for ${hostname}`);
        return out.DistributionTenant;
      }
      const domains = domainsOf(current.tenant);
      if (domains.includes(hostname)) return current.tenant;
      const out = await cf.send(
        new UpdateDistributionTenantCommand({
          Id: current.tenant.Id,
          IfMatch: current.etag,
          Domains: [...domains, hostname].map((Domain) => ({ Domain })),
        }),
      );
      return out.DistributionTenant ?? current.tenant;
    });
  }

  return {
    name: "cloudfront-tenant",

    async records(hostname: string): Promise<DnsRecord[]> {
      if (routingEndpoint === null) {
        const out = await cf.send(new GetConnectionGroupCommand({ Identifier: options.connectionGroupId }));
        const endpoint = out.ConnectionGroup?.RoutingEndpoint;
        if (!endpoint) throw new Error(`connection group ${options.connectionGroupId} has no routing endpoint`);
        routingEndpoint = endpoint;
      }
      return [
        {
          type: "CNAME",
          name: hostname,
          value: routingEndpoint,
          purpose: "points the domain at CloudFront, which then validates its certificate over HTTP",
        },
      ];
    },

    async verify(site: string, hostname: string): Promise<DomainEdgeCheck> {
      let tenant: DistributionTenant;
      try {
        tenant = await ensureDomain(site, hostname);
      } catch (error) {
        const name = (error as Error).name;
        // Another distribution or tenant (maybe another AWS account's) has the name: DNS alone cannot fix that.
        if (name === "CNAMEAlreadyExists" || name === "InvalidArgument") {
          return { ok: false, reason: `CloudFront refuses ${hostname}: ${(error as Error).message}` };
        }
        throw error;
      }
      const out = await cf.send(new VerifyDnsConfigurationCommand({ Identifier: tenant.Id, Domain: hostname }));
      const config = out.DnsConfigurationList?.find((c) => c.Domain === hostname);
      if (config?.Status === "valid-configuration") return { ok: true };
      const status = config?.Status ?? "no answer for this domain";
      return { ok: false, reason: `CloudFront: ${status}${config?.Reason ? `: ${config.Reason}` : ""}` };
    },

    async certify(site: string, hostname: string): Promise<void> {
      await ensureDomain(site, hostname);
      await withTenant(site, async (current) => {
        if (current === null) throw new Error(`tenant ${tenantName(site)} vanished while certifying ${hostname}`);
        const certificate = await getCertificate(site);
        const covered = (certificate?.ValidationTokenDetails ?? []).some((d) => d.Domain === hostname);
        const live =
          certificate?.CertificateStatus !== undefined && !DEAD_CERTIFICATE.has(certificate.CertificateStatus);
        if (live && covered) return;
        const domains = domainsOf(current.tenant);
        await cf.send(
          new UpdateDistributionTenantCommand({
            Id: current.tenant.Id,
            IfMatch: current.etag,
            Domains: domains.map((Domain) => ({ Domain })),
            ManagedCertificateRequest: {
              ValidationTokenHost: "cloudfront",
              PrimaryDomainName: domains[0] ?? hostname,
              CertificateTransparencyLoggingPreference: "enabled",
            },
          }),
        );
      });
    },

    async state(site: string, hostname: string): Promise<DomainEdgeState> {
      const certificate = await getCertificate(site);
      const status = certificate?.CertificateStatus;
      if (!status) return { state: "failed", reason: "CloudFront has no certificate request for this site" };
      if (DEAD_CERTIFICATE.has(status))
        return { state: "failed", reason: `CloudFront's managed certificate is ${status}` };
      if (status !== "issued") return { state: "issuing", reason: `CloudFront's managed certificate is ${status}` };
      const tenant = await getTenant(site);
      const domain = tenant?.tenant.Domains?.find((d) => d.Domain === hostname);
      if (!domain) return { state: "failed", reason: `${hostname} is not on the site's CloudFront tenant` };
      if (domain.Status === "active") return { state: "active" };
      return {
        state: "issuing",
        reason: `certificate issued; CloudFront has ${hostname} ${domain.Status ?? "pending"}`,
      };
    },

    async serve(site: string, hostname: string): Promise<void> {
      await routeDomain(options, site, hostname);
    },

    async detach(site: string, hostname: string): Promise<"done" | "again"> {
      // Off the route table first: whatever CloudFront still does, the host serves nothing.
      await options.routes.deleteHost(hostname);
      return withTenant(site, async (current) => {
        if (current === null) return "done";
        const { tenant, etag } = current;
        const domains = domainsOf(tenant);
        const rest = domains.filter((d) => d !== hostname);
        if (rest.length > 0) {
          if (rest.length === domains.length) return "done";
          await cf.send(
            new UpdateDistributionTenantCommand({
              Id: tenant.Id,
              IfMatch: etag,
              Domains: rest.map((Domain) => ({ Domain })),
            }),
          );
          return "done";
        }
        // Its last domain: a tenant needs one, so the tenant goes (with its managed certificate),
        // disabled first, then deleted once CloudFront has deployed that.
        if (tenant.Enabled !== false) {
          await cf.send(
            new UpdateDistributionTenantCommand({
              Id: tenant.Id,
              IfMatch: etag,
              Domains: domains.map((Domain) => ({ Domain })),
              Enabled: false,
            }),
          );
          return "again";
        }
        if (tenant.Status !== "Deployed") return "again";
        await cf.send(new DeleteDistributionTenantCommand({ Id: tenant.Id, IfMatch: etag }));
        return "done";
      });
    },
  };
}
