import type { Domain, Secrets, Store } from "@slipway/core";
import type { CertificateSource } from "./certificates.ts";
import type { EdgeDomain } from "./front.ts";

/**
 * The edge's view of custom domains, read from the Store per request (one indexed read, only
 * for hosts that are not project URLs): what the front needs, and certificates for SNI.
 */
export function domainsThroughStore(store: Pick<Store, "domains">, secrets: Pick<Secrets, "decrypt">) {
  const find = async (hostname: string): Promise<Domain | null> =>
    (await store.domains.get(hostname)) ?? (await store.domains.get(hostname.replace(/^[^.]+\./, "*.")));
  return {
    async lookup(hostname: string): Promise<EdgeDomain | null> {
      const domain = await find(hostname);
      if (!domain) return null;
      return { redirectTo: domain.redirectTo, https: domain.certificate !== null, challenge: domain.challenge };
    },
    certificates: {
      async certificateFor(hostname) {
        return (await find(hostname))?.certificate ?? null;
      },
      decrypt: (ciphertext) => secrets.decrypt(ciphertext),
    } satisfies CertificateSource,
  };
}
