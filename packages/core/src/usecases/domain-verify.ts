import type { Domain } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { DnsResolver } from "../ports/dns.ts";
import type { CoreDeps } from "./deps.ts";
import { ISSUE_CERTIFICATE_JOB } from "./domain-certificates.ts";
import { type DomainSettingsDeps, domainSettings, recordsFor, VERIFICATION_PREFIX } from "./domains.ts";

export type VerifyOutcome = { verified: true } | { verified: false; reason: string };

/**
 * `domains verify`: checks the records through the configured resolver. Passing moves the domain
 * to `verified` and queues its certificate (a durable job: a restart resumes it); failing keeps it
 * `pending` with the reason, an expected outcome rather than an error.
 */
export async function verifyDomain(
  deps: Pick<CoreDeps, "store" | "queue" | "dns"> & DomainSettingsDeps,
  domain: Domain,
  now: Date = new Date(),
): Promise<{ domain: Domain; outcome: VerifyOutcome }> {
  if (!deps.dns) throw new SlipwayError("DNS_UNAVAILABLE", "This platform has no DNS resolver configured.");
  if (domain.status === "verified" || domain.status === "issuing" || domain.status === "active") {
    return { domain, outcome: { verified: true } };
  }
  const outcome = await checkRecords(deps, deps.dns, domain);
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
  if (moved) await deps.queue.enqueue(ISSUE_CERTIFICATE_JOB, { hostname: domain.hostname });
  return { domain: (await deps.store.domains.get(domain.hostname)) ?? domain, outcome };
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
  if (ownershipRequired) {
    const txtName = `${VERIFICATION_PREFIX}.${domain.hostname.replace(/^\*\./, "")}`;
    const txt = await lookup(`TXT ${txtName}`, () => dns.txt(txtName));
    if (!txt.includes(domain.verificationToken)) {
      return {
        verified: false,
        reason: `TXT ${txtName} ${txt.length ? `holds ${txt.map((t) => JSON.stringify(t)).join(", ")}` : "is not set"}; expected "${domain.verificationToken}"`,
      };
    }
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
