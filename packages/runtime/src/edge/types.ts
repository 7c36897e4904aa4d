import type { FunctionHost } from "../function-host/types.ts";

export interface RequestReport {
  readonly requestId: string;
  readonly host: string;
  /** Null when the host is unknown. */
  readonly deploymentId: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly coldStart: boolean;
  /**
   * "static" when the edge served the file itself, "cache" when the edge cache answered (no
   * worker involved), "edge" for the edge's own error pages.
   */
  readonly servedBy: "static" | "cache" | "function" | "image" | "edge";
  /** The peer's address as the edge saw it (unmasked: the request log masks it per setting). */
  readonly clientIp: string;
  /** The edge cache's verdict (`x-slipway-cache`: HIT / STALE / MISS), null when not asked. */
  readonly cache: string | null;
}

/** Where a hostname goes: its deployment and, on a production hostname, a canary's share. */
export interface EdgeTarget {
  readonly deploymentId: string;
  readonly projectId: string;
  /** A canary release: `percent`% of clients (see canary-split.ts) go to its deployment. */
  readonly canary?: { readonly deploymentId: string; readonly percent: number } | undefined;
}

export interface EdgeOptions {
  /** Host name (no port, lowercase) → deployment; the platform wires it to the alias table. */
  readonly resolveHost: (hostname: string) => EdgeTarget | null | Promise<EdgeTarget | null>;
  /** For skew protection: `?dpl=<id>` asset requests are served by that deployment if same project. */
  readonly getDeployment: (
    deploymentId: string,
  ) => { projectId: string } | null | Promise<{ projectId: string } | null>;
  readonly functionHost: Pick<FunctionHost, "dispatch">;
  /** Same folder the function host and deployer use: `<deploymentsDir>/<deploymentId>/`. */
  readonly deploymentsDir: string;
  /**
   * Keep a client's X-Forwarded-For and append to it (only behind a trusted proxy); otherwise the
   * edge is the first hop and replaces it, so apps cannot be fooled about the client address.
   * @default false
   */
  readonly trustForwardedFor?: boolean;
  /** Value of X-Forwarded-Proto for proxied requests. @default "http" */
  readonly protocol?: "http" | "https";
  readonly onRequest?: (report: RequestReport) => void;
  /**
   * The edge response cache: prerendered / ISR pages, route handlers with `revalidate` and
   * optimized images served without a worker. Off when absent.
   */
  readonly cache?: EdgeCacheSettings;
  /**
   * Custom domains' front (see createDomainFront): ACME HTTP-01 answers, redirects, HSTS. True
   * when it answered the request itself, else the header lines the answer must carry (HSTS);
   * `false` at once for hosts it has nothing to do with. Synchronous when it knows the domain
   * already (the common case), a promise when it must read it first.
   */
  readonly domainFront?: (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
    hostname: string,
    secure: boolean,
  ) => true | readonly string[] | Promise<true | readonly string[]> | false;
}

export interface EdgeCacheSettings {
  /** The function host's writable caches, `<cachesDir>/<deploymentId>/` (tag store for purges). */
  readonly cachesDir: string;
  /** Memory for cached responses (bodies and headers). @default DEFAULT_EDGE_CACHE_BYTES */
  readonly maxBytes?: number;
  /** Larger responses are streamed but not stored. @default DEFAULT_EDGE_CACHE_ENTRY_BYTES */
  readonly maxEntryBytes?: number;
}

export interface Edge {
  /** Listens on `port` (0 = any free port) or an already bound socket; resolves with the bound port. */
  listen(port: number | import("./graceful.ts").ListenTarget, hostname?: string): Promise<number>;
  /** The listening socket's descriptor (for a restart's handoff). */
  listeningFd(): number | null;
  /** Stops accepting and lets requests and streams in flight finish, up to `boundMs`. */
  drain(boundMs: number): Promise<import("./graceful.ts").DrainReport>;
  /** The request handler, for mounting on another server (e.g. HTTPS later). */
  handle(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void;
  /** The handler for the HTTPS listener: the domain front (HSTS, redirects) then routing. */
  handleSecure(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void;
  /** Drops cached manifest, asset index and cached responses of a removed deployment. */
  forget(deploymentId: string): void;
  /** What the edge cache holds now, and how many background refreshes are under way. */
  cacheStats(): { entries: number; bytes: number; refreshing: number };
  close(): Promise<void>;
}
