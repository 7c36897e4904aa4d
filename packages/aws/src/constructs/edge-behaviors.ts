import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { EdgeCachePolicies } from "./edge-cache-policies.ts";

/** Which policies a path pattern uses; both distributions are built from this one table. */
export interface EdgeBehavior {
  /** The path pattern, or null for the default behaviour. */
  readonly pathPattern: string | null;
  readonly cachePolicy: cloudfront.ICachePolicy;
  /** Null for S3-only paths: the bucket needs nothing from the viewer. */
  readonly originRequestPolicy: cloudfront.IOriginRequestPolicy | null;
  /** Static files are only read; pages and functions take every method (Server Actions POST). */
  readonly readOnly: boolean;
}

/**
 * `/_next/static/*` (immutable, from the assets bucket), `/_next/image*` (the image function),
 * everything else (the server function, or a public file in the assets bucket). The
 * viewer-request function picks the origin on every path; these only choose the cache key.
 */
export function edgeBehaviors(policies: EdgeCachePolicies): readonly EdgeBehavior[] {
  return [
    { pathPattern: "/_next/static/*", cachePolicy: policies.staticAssets, originRequestPolicy: null, readOnly: true },
    {
      pathPattern: "/_next/image*",
      cachePolicy: policies.images,
      originRequestPolicy: policies.originRequest,
      readOnly: true,
    },
    { pathPattern: null, cachePolicy: policies.pages, originRequestPolicy: policies.originRequest, readOnly: false },
  ];
}
