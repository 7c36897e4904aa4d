import type { CommandContext } from "../context.ts";
import { table } from "../output.ts";

/** A domain as the API answers it (see presentDomain in @slipway/core). */
export interface DomainView {
  hostname: string;
  project: string;
  redirectTo: string | null;
  status: string;
  reason: string | null;
  records: Array<{ type: string; name: string; value: string; purpose: string }>;
  ownershipRequired: boolean;
  certificate: { notAfter: string; issuedAt: string } | null;
}

export const domainPath = (hostname: string) => `/api/v1/domains/${encodeURIComponent(hostname)}`;

/** Status, reason and the DNS records still to set, for add and verify. */
export function printDomain(ctx: CommandContext, domain: DomainView): void {
  const redirect = domain.redirectTo ? `, redirects to ${domain.redirectTo}` : "";
  ctx.print(`${domain.hostname} (${domain.project}${redirect}): ${domain.status}`);
  if (domain.reason) ctx.print(`Reason: ${domain.reason}`);
  if (domain.certificate) ctx.print(`Certificate valid until ${domain.certificate.notAfter}`);
  if (domain.status === "pending" && domain.records.length > 0) {
    ctx.print("Set these DNS records, then run `slipway domains verify`:");
    ctx.print(
      table([["TYPE", "NAME", "VALUE", "WHY"], ...domain.records.map((r) => [r.type, r.name, r.value, r.purpose])]),
    );
  }
}
