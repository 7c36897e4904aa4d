import { createSecureContext, type SecureContext } from "node:tls";
import type { DomainCertificate, DomainRoute } from "@slipway/core";

export interface CertificateSource {
  /** The domain record serving `hostname` (exact, then its `*.` wildcard), from the edge's cache. */
  route(hostname: string): DomainRoute | null | Promise<DomainRoute | null>;
  /** The whole certificate of the record named `recordHostname`: read only to build a context. */
  certificate(recordHostname: string): Promise<DomainCertificate | null>;
  decrypt(ciphertext: string): Promise<string>;
}

/**
 * SNI → TLS context. A handshake costs one cached lookup; the context (key decrypted, chain
 * parsed) is built once per certificate, identified by its record and its issue and expiry
 * dates, and replaced when a renewal changes them. Handshakes that arrive while it is being
 * built wait for the same build.
 */
export function createCertificateContexts(source: CertificateSource) {
  const contexts = new Map<string, { stamp: string; context: Promise<SecureContext | null> }>();

  async function build(recordHostname: string): Promise<SecureContext | null> {
    const stored = await source.certificate(recordHostname);
    if (!stored) return null;
    return createSecureContext({ cert: stored.certPem, key: await source.decrypt(stored.keyEncrypted) });
  }

  return {
    async contextFor(servername: string): Promise<SecureContext | null> {
      const hostname = servername.toLowerCase();
      const route = await source.route(hostname);
      if (!route?.certificate) {
        // Gone or without a certificate now: its context (if any) is not kept for nothing.
        contexts.delete(route?.hostname ?? hostname);
        return null;
      }
      const stamp = `${route.certificate.issuedAt} ${route.certificate.notAfter}`;
      const cached = contexts.get(route.hostname);
      if (cached?.stamp === stamp) return cached.context;
      const context = build(route.hostname);
      contexts.set(route.hostname, { stamp, context });
      // A failed build is not remembered: the next handshake tries again.
      context.catch(() => {
        if (contexts.get(route.hostname)?.context === context) contexts.delete(route.hostname);
      });
      return context;
    },
    /** Contexts held now (one per certificate in service that a client asked for). */
    get size() {
      return contexts.size;
    },
  };
}
