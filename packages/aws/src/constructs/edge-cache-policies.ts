import { Duration } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { Construct } from "constructs";

/**
 * The header the viewer-request function sets to the deployment it resolved: the one part of
 * every cache key that tells deployments apart. Host never is: an S3 or function-URL origin
 * answers only to its own Host, and a key on the deployment lets a deploy, promote or rollback
 * take effect without an invalidation.
 */
export const DEPLOYMENT_HEADER = "x-slipway-deployment";

/**
 * Headers Next.js answers differently on for one URL (the RSC payload or a prefetch instead of
 * HTML). Next sends `Vary` on them, but CloudFront ignores `Vary`, so they go in the key.
 */
const NEXT_ROUTER_HEADERS = [
  "rsc",
  "next-router-prefetch",
  "next-router-state-tree",
  "next-router-segment-prefetch",
  "next-url",
] as const;

/** Draft and preview mode cookies: a viewer with one must never get the cached public page. */
const PREVIEW_COOKIES = ["__prerender_bypass", "__next_preview_data"] as const;

/** The query parameters `next/image` reads. */
const IMAGE_QUERY = ["url", "w", "q"] as const;

export interface EdgeCachePoliciesProps {
  /**
   * Prefix of the policies' names (names are unique per account; a second Slipway in the same
   * account needs another prefix).
   * @default "slipway"
   */
  readonly namePrefix?: string;
}

/**
 * The edge's three cache policies and its origin request policy, shared by every site and
 * deployment on both distributions: a site adds none (the account allows 20 cache policies).
 * `pages` honours the origin's Cache-Control (ISR and static pages cached, dynamic ones not),
 * `staticAssets` is for `/_next/static/*` (content-hashed, immutable), `images` keys on `Accept`
 * (the optimizer picks AVIF or WebP from it) and the optimizer's query.
 */
export class EdgeCachePolicies extends Construct {
  readonly pages: cloudfront.CachePolicy;
  readonly staticAssets: cloudfront.CachePolicy;
  readonly images: cloudfront.CachePolicy;
  /**
   * What the Next.js server and the image optimizer receive: every viewer header except Host,
   * all cookies, all query strings. AWS's managed `AllViewerExceptHostHeader`, made for origins
   * such as Lambda function URLs that answer only to their own Host; a managed policy counts
   * against no quota.
   */
  readonly originRequest: cloudfront.IOriginRequestPolicy =
    cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER;

  constructor(scope: Construct, id: string, props: EdgeCachePoliciesProps = {}) {
    super(scope, id);
    const prefix = props.namePrefix ?? "slipway";
    const compressed = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true } as const;
    this.pages = new cloudfront.CachePolicy(this, "Pages", {
      cachePolicyName: `${prefix}-pages`,
      comment: "Slipway pages and functions: the origin's Cache-Control decides, keyed on the deployment",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList(DEPLOYMENT_HEADER, ...NEXT_ROUTER_HEADERS),
      cookieBehavior: cloudfront.CacheCookieBehavior.allowList(...PREVIEW_COOKIES),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      ...compressed,
    });
    this.staticAssets = new cloudfront.CachePolicy(this, "StaticAssets", {
      cachePolicyName: `${prefix}-static-assets`,
      comment: "Slipway /_next/static: content-hashed files, immutable, keyed on the deployment",
      minTtl: Duration.days(1),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList(DEPLOYMENT_HEADER),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      ...compressed,
    });
    this.images = new cloudfront.CachePolicy(this, "Images", {
      cachePolicyName: `${prefix}-images`,
      comment: "Slipway /_next/image: keyed on the deployment, Accept and the optimizer's query",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList(DEPLOYMENT_HEADER, "accept"),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...IMAGE_QUERY),
      ...compressed,
    });
  }
}
