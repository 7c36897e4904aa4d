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
    /** What the front needs (see createDomainFront); synchronous when the directory has the host. */
    lookup(hostname: string): EdgeDomain | null | Promise<EdgeDomain | null> {
      const domain = directory.lookup(hostname);
      return domain instanceof Promise ? domain.then(edgeDomainOf) : edgeDomainOf(domain);
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

/** The front's view of a cached route: made once per route object (the directory keeps the object). */
const edgeDomains = new WeakMap<DomainRoute, EdgeDomain>();
function edgeDomainOf(domain: DomainRoute | null): EdgeDomain | null {
  if (!domain) return null;
  let view = edgeDomains.get(domain);
  if (!view) {
    view = { redirectTo: domain.redirectTo, https: domain.certificate !== null, challenge: domain.challenge };
    edgeDomains.set(domain, view);
  }
  return view;
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
