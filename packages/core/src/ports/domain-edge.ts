import type { DnsRecord } from "../usecases/domains.ts";

/** Whether a hostname's DNS reaches the edge; when not, the target's own words for why. */
export type DomainEdgeCheck = { ok: true } | { ok: false; reason: string };

/** Where a verified hostname's certificate stands at the edge. */
export type DomainEdgeState =
  | { state: "issuing"; reason: string | null }
  | { state: "active" }
  | { state: "failed"; reason: string };

/**
 * Custom domains on a target whose edge verifies and certifies them itself (AWS: a CloudFront
 * distribution tenant per site with a CloudFront-managed certificate), where the local shape
 * (our resolver checks the records, our ACME client gets a key and a chain) does not fit: no key
 * ever reaches us and the CA checks DNS from its side. `site` is the project's id. Every method
 * is idempotent: the steps that call it may run twice.
 */
export interface DomainEdge {
  readonly name: string;
  /** The records a user must set for `hostname`, as the target gives them. */
  records(hostname: string): Promise<DnsRecord[]>;
  /** Asks the edge whether `hostname` points at it (an expected "no" is a reason, not a throw). */
  verify(site: string, hostname: string): Promise<DomainEdgeCheck>;
  /** Starts the certificate covering `hostname` (none is started while one covering it is pending). */
  certify(site: string, hostname: string): Promise<void>;
  state(site: string, hostname: string): Promise<DomainEdgeState>;
  /** `hostname` is active: its requests go to the site's production deployment from now on. */
  serve(site: string, hostname: string): Promise<void>;
  /**
   * Stops serving `hostname` and deletes what only it used (the tenant once empty). "again": the
   * edge needs minutes before the next call can finish (a tenant being disabled before deletion).
   */
  detach(site: string, hostname: string): Promise<"done" | "again">;
}
