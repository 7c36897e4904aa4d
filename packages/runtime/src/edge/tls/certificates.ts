import { createSecureContext, type SecureContext } from "node:tls";

/** A domain's certificate as the Store keeps it, the key still encrypted. */
export interface StoredCertificate {
  certPem: string;
  keyEncrypted: string;
  issuedAt: string;
}

export interface CertificateSource {
  /** The certificate of `hostname` (exact, then its `*.` wildcard), or null. */
  certificateFor(hostname: string): Promise<StoredCertificate | null>;
  decrypt(ciphertext: string): Promise<string>;
}

/**
 * SNI → TLS context. Looked up per handshake (one indexed read) so a renewed certificate is
 * served from the next connection on; the context itself (key decrypted, parsed) is built once per
 * issued certificate.
 */
export function createCertificateContexts(source: CertificateSource) {
  const contexts = new Map<string, { issuedAt: string; context: SecureContext }>();
  return {
    async contextFor(servername: string): Promise<SecureContext | null> {
      const hostname = servername.toLowerCase();
      const stored = await source.certificateFor(hostname);
      if (!stored) {
        contexts.delete(hostname);
        return null;
      }
      const cached = contexts.get(hostname);
      if (cached?.issuedAt === stored.issuedAt) return cached.context;
      const context = createSecureContext({ cert: stored.certPem, key: await source.decrypt(stored.keyEncrypted) });
      contexts.set(hostname, { issuedAt: stored.issuedAt, context });
      return context;
    },
  };
}
