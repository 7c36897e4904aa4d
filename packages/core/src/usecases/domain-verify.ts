import type { Domain } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { DnsResolver } from "../ports/dns.ts";
import type { DomainEdge } from "../ports/domain-edge.ts";
import type { CoreDeps } from "./deps.ts";
import { ISSUE_CERTIFICATE_JOB } from "./domain-certificates.ts";
import { PROVISION_DOMAIN_JOB } from "./domain-edge-steps.ts";
import { type DomainSettingsDeps, domainSettings, recordsFor, VERIFICATION_PREFIX } from "./domains.ts";

export type VerifyOutcome = { verified: true } | { verified: false; reason: string };

/**
 * `domains verify`: checks the records through the configured resolver, or, on a target whose
 * edge checks them itself (AWS), asks the edge. Passing moves the domain to `verified` and queues
 * its certificate (a durable job: a restart resumes it); failing keeps it `pending` with the
 * reason, an expected outcome rather than an error.
 */
export async function verifyDomain(
  deps: Pick<CoreDeps, "store" | "queue" | "dns" | "domainEdge"> & DomainSettingsDeps,
  domain: Domain,
  now: Date = new Date(),
): Promise<{ domain: Domain; outcome: VerifyOutcome }> {
  if (!deps.dns && !deps.domainEdge) {
    throw new SlipwayError("DNS_UNAVAILABLE", "This platform has no DNS resolver configured.");
  }
  if (domain.status === "verified" || domain.status === "issuing" || domain.status === "active") {
    return { domain, outcome: { verified: true } };
  }
  const outcome = deps.domainEdge
    ? await checkAtEdge(deps, deps.domainEdge, domain)
    : await checkRecords(deps, deps.dns as DnsResolver, domain);
  if (!outcome.verified) {
    const after = await deps.store.domains.update(domain.hostname, { statusReason: outcome.reason });
    return { domain: after ?? domain, outcome };
  }
  // Scheduled now, so the renewal sweep re-queues it should the message below be lost.
  const moved = await deps.store.domains.transition(domain.hostname, ["pending", "failed"], "verified", {
    statusReason: null,
    nextAttemptAt: now.toISOString(),
    failedAttempts: 0,
  });
  if (moved) {
    await deps.queue.enqueue(deps.domainEdge ? PROVISION_DOMAIN_JOB : ISSUE_CERTIFICATE_JOB, {
      hostname: domain.hostname,
    });
  }
  return { domain: (await deps.store.domains.get(domain.hostname)) ?? domain, outcome };
}

/**
 * The edge's own check (CloudFront's VerifyDnsConfiguration on AWS), after the TXT proof when
 * another project holds names under the same apex: the edge cannot tell two tenants' users apart.
 */
async function checkAtEdge(
  deps: Pick<CoreDeps, "store" | "dns" | "domainEdge"> & DomainSettingsDeps,
  edge: DomainEdge,
  domain: Domain,
): Promise<VerifyOutcome> {
  const { ownershipRequired } = await recordsFor(deps, domain);
  if (ownershipRequired) {
    if (!deps.dns) {
      throw new SlipwayError(
        "DNS_UNAVAILABLE",
        `${domain.hostname} needs its TXT proof checked (another project holds names under it), and this platform has no DNS resolver.`,
        "Remove the other project's domains under the same apex, or verify on a platform with a resolver.",
      );
    }
    const txt = await checkOwnership(deps.dns, domain);
    if (!txt.verified) return txt;
  }
  const check = await edge.verify(domain.projectId, domain.hostname);
  return check.ok ? { verified: true } : { verified: false, reason: check.reason };
}

const lookup = async <T>(what: string, query: () => Promise<T>): Promise<T> => {
  try {
    return await query();
  } catch (error) {
    throw new SlipwayError(
      "DNS_UNAVAILABLE",
      `DNS lookup of ${what} failed: ${(error as Error).message}.`,
      "Check the platform's resolver (SLIPWAY_DNS_SERVER) and retry `slipway domains verify`.",
    );
  }
};

async function checkOwnership(dns: DnsResolver, domain: Domain): Promise<VerifyOutcome> {
  const txtName = `${VERIFICATION_PREFIX}.${domain.hostname.replace(/^\*\./, "")}`;
  const txt = await lookup(`TXT ${txtName}`, () => dns.txt(txtName));
  if (txt.includes(domain.verificationToken)) return { verified: true };
  return {
    verified: false,
    reason: `TXT ${txtName} ${txt.length ? `holds ${txt.map((t) => JSON.stringify(t)).join(", ")}` : "is not set"}; expected "${domain.verificationToken}"`,
  };
}

async function checkRecords(
  deps: Pick<CoreDeps, "store"> & DomainSettingsDeps,
  dns: DnsResolver,
  domain: Domain,
): Promise<VerifyOutcome> {
  const settings = domainSettings(deps);
  // A wildcard is checked at a name under it: the records must cover every name.
  const name = domain.hostname.replace(/^\*\./, "_slipway-probe.");
  const { ownershipRequired } = await recordsFor(deps, domain);
  if (ownershipRequired) {
    const txt = await checkOwnership(dns, domain);
    if (!txt.verified) return txt;
  }
  const cnames = await lookup(`CNAME ${name}`, () => dns.cname(name));
  const target = settings.cnameTarget;
  if (target && cnames.some((c) => c.toLowerCase().replace(/\.$/, "") === target)) return { verified: true };
  const addresses = [
    ...(await lookup(`A ${name}`, () => dns.a(name))),
    ...(await lookup(`AAAA ${name}`, () => dns.aaaa(name))),
  ];
  if (addresses.length > 0 && settings.addresses.length > 0 && addresses.every((a) => settings.addresses.includes(a))) {
    return { verified: true };
  }
  const expected = [...settings.addresses, ...(target ? [`CNAME ${target}`] : [])].join(" or ");
  const found = [...cnames.map((c) => `CNAME ${c}`), ...addresses].join(", ") || "no A, AAAA or CNAME record";
  return { verified: false, reason: `${name} resolves to ${found}; expected ${expected || "(no address configured)"}` };
}
