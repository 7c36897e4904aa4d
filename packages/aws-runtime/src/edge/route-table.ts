/**
 * The AWS target's routing table: what the viewer-request CloudFront Function reads (from a
 * CloudFront KeyValueStore) to send a request to its deployment. Two kinds of entries:
 * per deployment, where its code and files live (written by the Deployer on activate); per
 * hostname, which deployment serves it (written from alias moves: deploy, promote, rollback).
 * A rollback is one `putHost`: no build, no invalidation (the deployment id is in the cache key).
 */

/** Where one deployment's requests go. */
export interface DeploymentOrigins {
  /** Host of the server function's URL, e.g. `abcdef.lambda-url.us-east-1.on.aws`. */
  readonly server: string;
  /** Host of the image-optimization function's URL; null when the deployment has none. */
  readonly image: string | null;
  /** Key prefix of the deployment's static files in the assets bucket, e.g. `assets/<deploymentId>`. */
  readonly assets: string;
  /**
   * Top-level names in the deployment's `public/` directory (`favicon.ico`, `images`): requests
   * under them are files from the assets bucket, not the server. Absent: only `/_next/static/*` is.
   */
  readonly publicFiles?: readonly string[];
  /**
   * The deployment's edge-runtime routes, each served by its own function: requests whose path
   * matches `path` (a Next route path: `/og`, `/hello/[name]`, `/docs/[...slug]`) go to `origin`.
   * Absent or empty: every non-asset request goes to the server.
   */
  readonly edge?: readonly EdgeRouteOrigin[];
}

/** One edge-runtime route and the host of the function URL that serves it. */
export interface EdgeRouteOrigin {
  readonly path: string;
  /** Host of the route's function URL, in the server function's region. */
  readonly origin: string;
}

/** What a hostname serves: one deployment, or a canary share of its requests sent to another. */
export interface HostTarget {
  readonly deploymentId: string;
  readonly canary?: { readonly deploymentId: string; readonly percent: number };
}

export interface EdgeRouteTable {
  putDeployment(deploymentId: string, origins: DeploymentOrigins): Promise<void>;
  /** Idempotent: deleting an absent entry is not an error. */
  deleteDeployment(deploymentId: string): Promise<void>;
  putHost(hostname: string, target: HostTarget): Promise<void>;
  /** Idempotent: deleting an absent entry is not an error. */
  deleteHost(hostname: string): Promise<void>;
}
