/**
 * DNS lookups for domain verification (node:dns against a configurable server locally). Each
 * answers the records found, or an empty list when the name has none (NXDOMAIN, NODATA): "no
 * record" is an expected outcome. A resolver that cannot be reached throws.
 */
export interface DnsResolver {
  readonly name: string;
  a(hostname: string): Promise<string[]>;
  aaaa(hostname: string): Promise<string[]>;
  cname(hostname: string): Promise<string[]>;
  /** Each TXT record's strings joined, as RFC 7208 reads a record split in chunks. */
  txt(hostname: string): Promise<string[]>;
}
