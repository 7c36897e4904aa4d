import type { BlobStore } from "../ports/blob-store.ts";
import type { BuildCache } from "../ports/build-cache.ts";
import type { Builder } from "../ports/builder.ts";
import type { CanaryWatch } from "../ports/canary-watch.ts";
import type { CommitStatusReporter } from "../ports/commit-status.ts";
import type { Deployer } from "../ports/deployer.ts";
import type { DnsResolver } from "../ports/dns.ts";
import type { DomainEdge } from "../ports/domain-edge.ts";
import type { GitRemote } from "../ports/git-remote.ts";
import type { LogStore } from "../ports/log-store.ts";
import type { Queue } from "../ports/queue.ts";
import type { Secrets } from "../ports/secrets.ts";
import type { Store } from "../ports/store.ts";
import type { TelemetryStore } from "../ports/telemetry-store.ts";

/** How the platform spells hostnames and URLs for the target it runs on. */
export interface UrlScheme {
  /** `label` → full hostname, e.g. `shop-abc123` → `shop-abc123.localhost`. */
  hostname(label: string): string;
  /** Hostname → URL users can open, e.g. `http://shop-abc123.localhost:7380`. */
  url(hostname: string): string;
  /** Public base URL of the API, for webhook URLs. */
  apiUrl: string;
}

export interface Settings {
  /** Deployments kept per project besides those an alias points to. */
  retainDeployments: number;
  /** Builds running at once (a build needs most of a small box). Default 1. */
  maxConcurrentBuilds?: number;
  /** Custom domains; absent = the defaults of DEFAULT_DOMAIN_SETTINGS. */
  domains?: Partial<DomainSettings>;
}

/** How custom domains are checked and what users are told to point at the platform. */
export interface DomainSettings {
  /** Domains a project may hold. */
  maxPerProject: number;
  /** `*.example.com` needs DNS-01, which needs a provider hook the admin configures. */
  wildcards: boolean;
  /** Addresses A/AAAA records should hold (the machine's public IPs). */
  addresses: string[];
  /** Hostname a CNAME may point at instead (e.g. `edge.example.net`); null = A/AAAA only. */
  cnameTarget: string | null;
}

export const DEFAULT_DOMAIN_SETTINGS: DomainSettings = {
  maxPerProject: 50,
  wildcards: false,
  addresses: [],
  cnameTarget: null,
};

/** Everything the use cases talk to. Built once at start by the target's wiring. */
export interface CoreDeps {
  store: Store;
  queue: Queue;
  blobs: BlobStore;
  logs: LogStore;
  secrets: Secrets;
  builder: Builder;
  buildCache: BuildCache;
  deployer: Deployer;
  git: GitRemote;
  statusReporter: CommitStatusReporter | null;
  urls: UrlScheme;
  settings: Settings;
  /** Runtime logs and metrics of sites; absent where telemetry is off. */
  telemetry?: TelemetryStore;
  /** Domain verification's resolver; absent on a target that verifies elsewhere (ACM). */
  dns?: DnsResolver;
  /** Present on a target whose edge verifies and certifies custom domains itself (AWS). */
  domainEdge?: DomainEdge;
  /** Present on a target whose edge splits traffic and that watches canaries (local, AWS with an edge); absent, `promote --canary` is refused. */
  canaryWatch?: CanaryWatch;
}
