import { z } from "zod";
import { DEFAULT_NODE_VERSION, NODE_VERSIONS } from "./domain/model.ts";
import { isRoutePattern } from "./route-pattern.ts";

/**
 * The deployment manifest: the only contract between the builder and whatever runs a deployment
 * (the local function host and edge, or the AWS deployer). Versioned: readers reject versions they
 * do not know instead of guessing.
 */
export const MANIFEST_VERSION = 2;
/** Versions this reader understands: 1 predates `functions` (read as none). */
const KNOWN_VERSIONS = [1, 2] as const;
export const MANIFEST_FILE = "slipway-manifest.json";

/**
 * A path inside the artifact: relative, `/`-separated, no `.`/`..` segments. A manifest is build
 * output, so whoever reads it must not be pointed at the rest of the machine by it.
 */
export function isArtifactPath(value: string): boolean {
  if (value.length === 0 || value.length > 1024 || value.startsWith("/") || /[\\\0]/.test(value)) return false;
  return value.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

const artifactPath = z.string().refine(isArtifactPath, { message: "must be a relative path inside the artifact" });

/** A function name: a folder name and a Lambda name suffix, so a DNS-label-like word. */
export const FUNCTION_NAME = /^[a-z][a-z0-9-]{0,47}$/;

/**
 * A function other than the server and the image optimizer: today the OpenNext edge bundle of
 * each `export const runtime = "edge"` route (OpenNext bundles one edge route per function).
 * Requests whose path matches one of `paths` go to it instead of the server function; on AWS
 * each becomes its own Lambda behind a CDN behaviour per `cdnPatterns` entry.
 */
export const routedFunctionSchema = z.object({
  name: z
    .string()
    .regex(FUNCTION_NAME, { message: "must be lowercase letters, digits and dashes" })
    // The host names the two OpenNext functions it always has this way.
    .refine((name) => name !== "server" && name !== "image", { message: "is reserved" }),
  runtime: z.literal("edge"),
  dir: artifactPath,
  entry: artifactPath,
  streaming: z.boolean(),
  /** Next's names for the routes it serves, e.g. `app/og/route` (for logs and the deployer). */
  routes: z.array(z.string().max(1024)).min(1),
  /** Route paths as Next writes them (`/og`, `/hello/[name]`), matched segment by segment. */
  paths: z.array(z.string().refine(isRoutePattern, { message: "must be a Next.js route path" })).min(1),
  /** The same routes as CDN path patterns (`hello/*`), for a deployer that routes in a CDN. */
  cdnPatterns: z.array(z.string().max(1024)),
});

export type RoutedFunction = z.infer<typeof routedFunctionSchema>;

export const manifestSchema = z.object({
  version: z.literal(KNOWN_VERSIONS),
  deploymentId: z.string(),
  buildId: z.string(),
  nextVersion: z.string(),
  openNextVersion: z.string(),
  createdAt: z.string(),
  /**
   * Node.js major version the deployment was built with and its functions run on (Lambda's
   * nodejs22.x). Manifests written before it existed ran on the platform's Node: they get 22.
   */
  nodeVersion: z.enum(NODE_VERSIONS).default(DEFAULT_NODE_VERSION),
  /** All paths are relative to the artifact root (the `.open-next` folder plus this manifest). */
  server: z.object({
    /** Folder of the OpenNext server function bundle. */
    dir: artifactPath,
    /** Module file inside `dir` exporting `handler`. */
    entry: artifactPath,
    /** Whether the bundle uses OpenNext's streaming wrapper (`awslambda.streamifyResponse`). */
    streaming: z.boolean(),
  }),
  image: z.object({ dir: artifactPath, entry: artifactPath }).nullable(),
  /** Functions that serve some routes instead of `server` (edge routes); none before version 2. */
  functions: z
    .array(routedFunctionSchema)
    .max(200)
    .default([])
    .refine((fns) => new Set(fns.map((fn) => fn.name)).size === fns.length, { message: "function names must differ" }),
  /** Static files served by the edge: public files at the root, `_next/static/...`, `BUILD_ID`. */
  assets: z.object({
    dir: artifactPath,
    /** URL prefixes whose files are content-hashed and so cacheable forever. */
    immutablePrefixes: z.array(z.string()),
    /** Files that have `.br` and `.gz` siblings compressed at build time. */
    precompressed: z.array(artifactPath),
  }),
  /** Prerendered pages and fetch cache seeded into the incremental cache at activation. */
  cache: z.object({ dir: artifactPath }),
  /** Keys (not values) of the env vars the build saw; values live encrypted in the store. */
  envKeys: z.array(z.string()),
  timings: z.record(z.string(), z.number()),
});

export type DeploymentManifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): DeploymentManifest {
  return manifestSchema.parse(json);
}
