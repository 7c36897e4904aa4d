import { type DomainRoute, domainRouteOf, type Secrets, type Store } from "@slipway/core";
import type { CertificateSource } from "./certificates.ts";
import { createDomainDirectory, type DomainRouteSource } from "./domain-directory.ts";
import type { EdgeDomain } from "./front.ts";

/**
 * The edge's view of custom domains: one cached lookup per host (see createDomainDirectory) that
 * the front, routing and the SNI callback share. `routes` is the store's cheap read of the fields
 * the edge routes by with a change stamp (SQLite: createSqliteDomainRoutes); without one every
 * lookup reads the Store afresh, as nothing would tell the cache about a change.
 */
export function domainsThroughStore(
  store: Pick<Store, "domains">,
  secrets: Pick<Secrets, "decrypt">,
  routes: DomainRouteSource = uncachedRoutes(store),
) {
  const directory = createDomainDirectory(routes);
  return {
    directory,
    /** What the front needs (see createDomainFront). */
    async lookup(hostname: string): Promise<EdgeDomain | null> {
      const domain = await directory.lookup(hostname);
      if (!domain) return null;
      return { redirectTo: domain.redirectTo, https: domain.certificate !== null, challenge: domain.challenge };
    },
    certificates: {
      route: directory.lookup,
      async certificate(recordHostname) {
        return (await store.domains.get(recordHostname))?.certificate ?? null;
      },
      decrypt: (ciphertext) => secrets.decrypt(ciphertext),
    } satisfies CertificateSource,
  };
}

/** Reads the whole record per lookup; its stamp never repeats, so nothing is cached. */
function uncachedRoutes(store: Pick<Store, "domains">): DomainRouteSource {
  let reads = 0;
  return {
    async find(hostname): Promise<DomainRoute | null> {
      const domain = await store.domains.get(hostname);
      return domain ? domainRouteOf(domain) : null;
    },
    changeStamp: () => ++reads,
  };
}
