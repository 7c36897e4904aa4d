import { z } from "zod";

/**
 * The deployment manifest: the only contract between the builder and whatever runs a deployment
 * (the local function host and edge, or the AWS deployer). Versioned: readers reject versions they
 * do not know instead of guessing.
 */
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = "slipway-manifest.json";

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  deploymentId: z.string(),
  buildId: z.string(),
  nextVersion: z.string(),
  openNextVersion: z.string(),
  createdAt: z.string(),
  /** All paths are relative to the artifact root (the `.open-next` folder plus this manifest). */
  server: z.object({
    /** Folder of the OpenNext server function bundle. */
    dir: z.string(),
    /** Module file inside `dir` exporting `handler`. */
    entry: z.string(),
    /** Whether the bundle uses OpenNext's streaming wrapper (`awslambda.streamifyResponse`). */
    streaming: z.boolean(),
  }),
  image: z.object({ dir: z.string(), entry: z.string() }).nullable(),
  /** Static files served by the edge: public files at the root, `_next/static/...`, `BUILD_ID`. */
  assets: z.object({
    dir: z.string(),
    /** URL prefixes whose files are content-hashed and so cacheable forever. */
    immutablePrefixes: z.array(z.string()),
    /** Files that have `.br` and `.gz` siblings compressed at build time. */
    precompressed: z.array(z.string()),
  }),
  /** Prerendered pages and fetch cache seeded into the incremental cache at activation. */
  cache: z.object({ dir: z.string() }),
  /** Keys (not values) of the env vars the build saw; values live encrypted in the store. */
  envKeys: z.array(z.string()),
  timings: z.record(z.string(), z.number()),
});

export type DeploymentManifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): DeploymentManifest {
  return manifestSchema.parse(json);
}
