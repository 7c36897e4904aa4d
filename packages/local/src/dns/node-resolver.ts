import { Resolver } from "node:dns/promises";
import type { DnsResolver } from "@slipway/core";

/** Answers that mean "no such record", an expected outcome: anything else is a fault. */
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN", "ENONAME"]);

/**
 * DNS through node:dns against `server` (`host:port` or `host`; the system's resolvers when
 * absent). Its own Resolver, so pointing verification at a test server changes nothing else.
 */
export function createNodeDnsResolver(server?: string): DnsResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (server) resolver.setServers([server]);
  const answer = async <T>(query: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await query();
    } catch (error) {
      if (NO_RECORD.has((error as NodeJS.ErrnoException).code ?? "")) return [];
      throw error;
    }
  };
  return {
    name: "node",
    a: (hostname) => answer(() => resolver.resolve4(hostname)),
    aaaa: (hostname) => answer(() => resolver.resolve6(hostname)),
    cname: (hostname) => answer(() => resolver.resolveCname(hostname)),
    txt: async (hostname) => (await answer(() => resolver.resolveTxt(hostname))).map((chunks) => chunks.join("")),
  };
}
