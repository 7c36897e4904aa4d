import { randomBytes } from "node:crypto";
import { apexOf, checkHostname, isWithin } from "../domain/hostname.ts";
import { nowIso } from "../domain/ids.ts";
import type { Domain, Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import { type CoreDeps, DEFAULT_DOMAIN_SETTINGS, type DomainSettings, type Settings } from "./deps.ts";
import { DETACH_DOMAIN_JOB } from "./domain-edge-steps.ts";

/** The TXT record that proves control of a domain held elsewhere: `_slipway-challenge.<hostname>`. */
export const VERIFICATION_PREFIX = "_slipway-challenge";

/** What the domain use cases read of the platform's settings (absent: the defaults). */
export interface DomainSettingsDeps {
  settings?: Pick<Settings, "domains">;
}

export function domainSettings(deps: DomainSettingsDeps): DomainSettings {
  return { ...DEFAULT_DOMAIN_SETTINGS, ...deps.settings?.domains };
}

/** The platform's own base domain (`localhost`, `apps.example.com`): never a custom domain. */
export function baseDomainOf(deps: Pick<CoreDeps, "urls">): string {
  return deps.urls.hostname("x").slice(2);
}

/** A hostname a user typed, canonical and allowed, or a SlipwayError that names it and why. */
export function validateCustomHostname(deps: Pick<CoreDeps, "urls"> & DomainSettingsDeps, input: string): string {
  const check = checkHostname(input);
  if (!check.ok) {
    throw new SlipwayError(
      "INVALID_DOMAIN",
      `"${input}" is not a valid domain name: ${check.problem}.`,
      "Give a hostname such as www.example.com (an IDN such as bücher.example is fine).",
    );
  }
  const settings = domainSettings(deps);
  if (check.wildcard && !settings.wildcards) {
    throw new SlipwayError(
      "INVALID_DOMAIN",
      `"${input}" is a wildcard; wildcard certificates need the DNS-01 challenge, which is not configured.`,
      "Add each hostname instead, or configure a DNS-01 provider hook (SLIPWAY_DNS01_HOOK).",
    );
  }
  const hostname = check.wildcard ? `*.${check.hostname}` : check.hostname;
  const base = baseDomainOf(deps);
  if (isWithin(check.hostname, base)) {
    throw new SlipwayError(
      "INVALID_DOMAIN",
      `"${hostname}" is the platform's own domain ${base} or under it.`,
      "Projects already have URLs there; add a domain you own instead.",
    );
  }
  return hostname;
}

export interface AddDomainInput {
  hostname: string;
  /** Another domain of the same project this one redirects to (www ↔ apex). */
  redirectTo?: string | null;
}

export async function addDomain(
  deps: Pick<CoreDeps, "store" | "urls"> & DomainSettingsDeps,
  project: Project,
  input: AddDomainInput,
): Promise<Domain> {
  const hostname = validateCustomHostname(deps, input.hostname);
  const owned = await deps.store.domains.listByProject(project.id);
  const redirectTo = input.redirectTo ? validateCustomHostname(deps, input.redirectTo) : null;
  if (redirectTo !== null && (redirectTo === hostname || !owned.some((d) => d.hostname === redirectTo))) {
    throw new SlipwayError(
      "INVALID_DOMAIN",
      `--redirect-to "${input.redirectTo}" is not another domain of project ${project.name}.`,
      `Add ${redirectTo} to ${project.name} first, then add ${hostname} redirecting to it.`,
    );
  }
  const { maxPerProject } = domainSettings(deps);
  if (owned.length >= maxPerProject) {
    throw new SlipwayError(
      "DOMAIN_LIMIT",
      `Project ${project.name} has ${owned.length} domains; the limit is ${maxPerProject}.`,
      "Remove one with `slipway domains rm`, or raise SLIPWAY_MAX_DOMAINS.",
    );
  }
  const now = nowIso();
  const domain: Domain = {
    hostname,
    projectId: project.id,
    redirectTo,
    status: "pending",
    statusReason: null,
    verificationToken: randomBytes(16).toString("hex"),
    certificate: null,
    challenge: null,
    nextAttemptAt: null,
    failedAttempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  // The primary key decides: of two projects adding one hostname at once, one wins.
  if (!(await deps.store.domains.create(domain))) throw await hostnameTaken(deps, hostname, project);
  return domain;
}

async function hostnameTaken(deps: Pick<CoreDeps, "store">, hostname: string, project: Project) {
  const holder = await deps.store.domains.get(hostname);
  if (holder?.projectId === project.id) {
    return new SlipwayError(
      "DOMAIN_EXISTS",
      `${hostname} is already a domain of ${project.name}.`,
      "See `slipway domains ls`.",
    );
  }
  // Another project's: say so without naming it (it may be another team's).
  return new SlipwayError(
    "HOSTNAME_TAKEN",
    `${hostname} is held by another project.`,
    "A domain has one owner; its owner must remove it before another project can add it.",
  );
}

/** The stored spelling of a hostname a user typed; what no check accepts is looked up as typed. */
function storedKey(input: string): string {
  const check = checkHostname(input);
  return check.ok ? (check.wildcard ? `*.${check.hostname}` : check.hostname) : input;
}

/**
 * Removes the domain. On a target whose edge holds domains (AWS), a step then detaches it there
 * (queued: the edge may need minutes, and the row is gone at once so the name is free again).
 */
export async function removeDomain(
  deps: Pick<CoreDeps, "store"> & Partial<Pick<CoreDeps, "queue" | "domainEdge">>,
  project: Project,
  input: string,
): Promise<void> {
  const key = storedKey(input);
  const redirecting = (await deps.store.domains.listByProject(project.id)).filter((d) => d.redirectTo === key);
  if (redirecting.length > 0) {
    throw new SlipwayError(
      "INVALID_DOMAIN",
      `${key} is the redirect target of ${redirecting.map((d) => d.hostname).join(", ")}.`,
      "Remove those first.",
    );
  }
  if (!(await deps.store.domains.delete(key, project.id))) {
    throw new SlipwayError(
      "DOMAIN_NOT_FOUND",
      `Project ${project.name} has no domain "${input}".`,
      "See `slipway domains ls`.",
    );
  }
  if (deps.domainEdge && deps.queue) await deps.queue.enqueue(DETACH_DOMAIN_JOB, { hostname: key, site: project.id });
}

/** A domain held by `projectId` (any spelling the user types), or DOMAIN_NOT_FOUND. */
export async function getProjectDomain(
  deps: Pick<CoreDeps, "store">,
  project: Project,
  input: string,
): Promise<Domain> {
  const domain = await deps.store.domains.get(storedKey(input));
  if (!domain || domain.projectId !== project.id) {
    throw new SlipwayError(
      "DOMAIN_NOT_FOUND",
      `Project ${project.name} has no domain "${input}".`,
      "See `slipway domains ls`.",
    );
  }
  return domain;
}

export interface DnsRecord {
  type: "A" | "AAAA" | "CNAME" | "TXT";
  name: string;
  value: string;
  /** What setting it is for, for the CLI and dashboard. */
  purpose: string;
}

/** The records a user must set for `domain`: where to point it and, when held elsewhere, the TXT proof. */
export async function recordsFor(
  deps: Pick<CoreDeps, "store"> & Partial<Pick<CoreDeps, "domainEdge">> & DomainSettingsDeps,
  domain: Domain,
): Promise<{ records: DnsRecord[]; ownershipRequired: boolean }> {
  const settings = domainSettings(deps);
  const name = domain.hostname;
  // A target whose edge certifies domains (AWS) says itself where they must point.
  const records: DnsRecord[] = deps.domainEdge ? await deps.domainEdge.records(name) : [];
  for (const address of deps.domainEdge ? [] : settings.addresses) {
    records.push({
      type: address.includes(":") ? "AAAA" : "A",
      name,
      value: address,
      purpose: "points the domain at this platform",
    });
  }
  if (settings.cnameTarget && !deps.domainEdge) {
    records.push({
      type: "CNAME",
      name,
      value: settings.cnameTarget,
      purpose: settings.addresses.length > 0 ? "or, instead of A/AAAA, a CNAME" : "points the domain at this platform",
    });
  }
  const ownershipRequired = await heldElsewhere(deps, domain);
  if (ownershipRequired) {
    records.push({
      type: "TXT",
      name: `${VERIFICATION_PREFIX}.${name.replace(/^\*\./, "")}`,
      value: domain.verificationToken,
      purpose: "proves you control the domain (other names under it are held by another project)",
    });
  }
  return { records, ownershipRequired };
}

/** Another project holds a name under the same apex: only the TXT proof shows this one is yours. */
async function heldElsewhere(deps: Pick<CoreDeps, "store">, domain: Domain): Promise<boolean> {
  const apex = apexOf(domain.hostname.replace(/^\*\./, ""));
  const all = await deps.store.domains.list();
  return all.some((d) => d.projectId !== domain.projectId && apexOf(d.hostname.replace(/^\*\./, "")) === apex);
}

/** What the API returns for a domain: everything the CLI and dashboard show, never the key. */
export async function presentDomain(
  deps: Pick<CoreDeps, "store"> & Partial<Pick<CoreDeps, "domainEdge">> & DomainSettingsDeps,
  project: Project,
  domain: Domain,
) {
  const { records, ownershipRequired } = await recordsFor(deps, domain);
  return {
    hostname: domain.hostname,
    project: project.name,
    redirectTo: domain.redirectTo,
    status: domain.status,
    reason: domain.statusReason,
    records,
    ownershipRequired,
    certificate: domain.certificate
      ? { notAfter: domain.certificate.notAfter, issuedAt: domain.certificate.issuedAt }
      : null,
    nextAttemptAt: domain.nextAttemptAt,
    createdAt: domain.createdAt,
  };
}

export type DomainView = Awaited<ReturnType<typeof presentDomain>>;

/** The domain `input` names (in any spelling: an IDN, upper case, a trailing dot) and its project. */
export async function findDomain(deps: Pick<CoreDeps, "store">, input: string) {
  const domain = await deps.store.domains.get(storedKey(input));
  const project = domain && (await deps.store.projects.get(domain.projectId));
  if (!domain || !project) {
    throw new SlipwayError("DOMAIN_NOT_FOUND", `No domain "${input}" has been added.`, "See `slipway domains ls`.");
  }
  return { domain, project };
}
