/**
 * What a running deployment's server function can rely on, whatever runs it. The builder bakes
 * OpenNext overrides into the bundle that read these variables; the local function host and the
 * AWS deployer set them. Keeping the names here stops the two sides drifting apart.
 */
export const RUNTIME_ENV = {
  /** Writable folder for the incremental cache and tag cache (local target). */
  cacheDir: "SLIPWAY_CACHE_DIR",
  /** Read-only folder of the deployment's static assets, for the image optimizer (local target). */
  assetsDir: "SLIPWAY_ASSETS_DIR",
  /** Origin (scheme://host:port) that ISR revalidation requests are sent to. */
  revalidateOrigin: "SLIPWAY_REVALIDATE_ORIGIN",
} as const;

/** System variables every deployment sees, Vercel-style. */
export const SYSTEM_ENV = {
  env: "SLIPWAY_ENV",
  url: "SLIPWAY_URL",
  sha: "SLIPWAY_GIT_COMMIT_SHA",
  branch: "SLIPWAY_GIT_BRANCH",
  deploymentId: "SLIPWAY_DEPLOYMENT_ID",
} as const;
