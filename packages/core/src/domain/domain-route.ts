import type { Domain, DomainCertificate } from "./model.ts";

/**
 * What the edge needs of a custom domain on every request: the record without its certificate's
 * PEMs and encrypted key (those are read once per certificate, when its TLS context is built).
 */
export interface DomainRoute {
  /** The record's hostname: the requested name, or the `*.` wildcard that matched it. */
  hostname: string;
  projectId: string;
  status: Domain["status"];
  redirectTo: string | null;
  challenge: Domain["challenge"];
  /** Which certificate is in service (a renewal changes `issuedAt`); null without one. */
  certificate: Pick<DomainCertificate, "issuedAt" | "notAfter"> | null;
}

export function domainRouteOf(domain: Domain): DomainRoute {
  const { certificate } = domain;
  return {
    hostname: domain.hostname,
    projectId: domain.projectId,
    status: domain.status,
    redirectTo: domain.redirectTo,
    challenge: domain.challenge,
    certificate: certificate ? { issuedAt: certificate.issuedAt, notAfter: certificate.notAfter } : null,
  };
}
