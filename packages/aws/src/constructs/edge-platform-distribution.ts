import type * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { EdgeBehavior } from "./edge-behaviors.ts";

export interface EdgePlatformDistributionProps {
  /** `*.<sitesDomain>`: every platform hostname (production, branch and per-deployment). */
  readonly domainName: string;
  /** Covers `domainName`; in us-east-1. */
  readonly certificate: acm.ICertificate;
  /** The viewer-request function every behaviour runs. */
  readonly viewerRequest: cloudfront.IFunction;
  readonly behaviors: readonly EdgeBehavior[];
  /** The static files bucket, read through `originAccessControl`; also the placeholder origin. */
  readonly assets: s3.IBucket;
  readonly originAccessControl: cloudfront.IOriginAccessControl;
  /** Standard access logs (a bucket with ACLs enabled, as CloudFront's log delivery needs). */
  readonly logs: s3.IBucket;
}

/**
 * The one standard distribution serving every platform hostname, whatever the number of sites:
 * HTTP/2 and HTTP/3, TLS 1.2 (2021 ciphers) at least, SNI, HTTPS only (HTTP redirects), access
 * logs on. Its origin is the assets bucket: the viewer-request function replaces it on every
 * request (a function URL or the bucket under the deployment's prefix), so a request the
 * function did not route reaches only a bucket of public files that answers 403.
 */
export class EdgePlatformDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: EdgePlatformDistributionProps) {
    super(scope, id);
    const origin = origins.S3BucketOrigin.withOriginAccessControl(props.assets, {
      originAccessControl: props.originAccessControl,
      originAccessLevels: [cloudfront.AccessLevel.READ],
    });
    const options = (behavior: EdgeBehavior): cloudfront.BehaviorOptions => ({
      origin,
      cachePolicy: behavior.cachePolicy,
      ...(behavior.originRequestPolicy ? { originRequestPolicy: behavior.originRequestPolicy } : {}),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: behavior.readOnly
        ? cloudfront.AllowedMethods.ALLOW_GET_HEAD
        : cloudfront.AllowedMethods.ALLOW_ALL,
      compress: true,
      functionAssociations: [{ function: props.viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
    const byPath = props.behaviors.filter((b) => b.pathPattern !== null);
    const fallback = props.behaviors.find((b) => b.pathPattern === null);
    if (!fallback) throw new Error("EdgePlatformDistribution: the behaviours have no default");
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `Slipway sites: ${props.domainName}`,
      domainNames: [props.domainName],
      certificate: props.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      enableLogging: true,
      logBucket: props.logs,
      logFilePrefix: "platform/",
      defaultBehavior: options(fallback),
      additionalBehaviors: Object.fromEntries(byPath.map((b) => [b.pathPattern as string, options(b)])),
    });
  }
}
