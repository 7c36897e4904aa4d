import type { RemovalPolicy } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { edgeBehaviors } from "./edge-behaviors.ts";
import { EdgeBuckets } from "./edge-buckets.ts";
import { EdgeCachePolicies } from "./edge-cache-policies.ts";
import { EdgeCertificate, type EdgeHostedZone } from "./edge-certificate.ts";
import { EdgePlatformDistribution } from "./edge-platform-distribution.ts";
import { EdgeRouter } from "./edge-router.ts";
import { EdgeTenantDistribution } from "./edge-tenant-distribution.ts";

export interface EdgeProps {
  /** Site hostnames live under it: the platform distribution serves `*.<sitesDomain>`. */
  readonly sitesDomain: string;
  /**
   * An ACM certificate in us-east-1 for `*.<sitesDomain>`.
   * @default - requested with DNS validation in `hostedZone` (then the stack must be in us-east-1)
   */
  readonly certificateArn?: string;
  /**
   * The Route 53 zone (the sites domain or a parent) to validate a new certificate in.
   * @default - none: `certificateArn` is required
   */
  readonly hostedZone?: EdgeHostedZone;
  /** The viewer-request CloudFront Function's code (see `EdgeRouter`). */
  readonly viewerRequestCode: cloudfront.FunctionCode;
  /** The control plane's access-log bucket: the edge buckets' server access logs go there. */
  readonly serverAccessLogs: s3.IBucket;
  /**
   * Prefix of the account-unique names (policies, function, store, connection group).
   * @default "slipway"
   */
  readonly namePrefix?: string;
  /**
   * Days the distributions' access logs are kept.
   * @default 90
   */
  readonly logDays?: number;
  /**
   * What happens to the edge buckets when the stack is removed.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Everything in front of the sites, a fixed set however many sites and deployments there are:
 * one KeyValueStore and one viewer-request function (`router`), three cache policies keyed on
 * the deployment (`policies`), the assets bucket behind Origin Access Control, the platform
 * distribution for `*.<sitesDomain>` and the multi-tenant distribution (with its connection
 * group) for custom domains. A site costs keys in the store and, with custom domains, one
 * distribution tenant, both made at run time.
 */
export class Edge extends Construct {
  readonly certificate: EdgeCertificate;
  readonly buckets: EdgeBuckets;
  readonly policies: EdgeCachePolicies;
  readonly router: EdgeRouter;
  readonly originAccessControl: cloudfront.S3OriginAccessControl;
  readonly platform: EdgePlatformDistribution;
  readonly tenants: EdgeTenantDistribution;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const namePrefix = props.namePrefix ?? "slipway";
    this.certificate = new EdgeCertificate(this, "Certificate", props);
    this.buckets = new EdgeBuckets(this, "Buckets", {
      serverAccessLogs: props.serverAccessLogs,
      ...(props.logDays !== undefined ? { logDays: props.logDays } : {}),
      ...(props.removalPolicy !== undefined ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.policies = new EdgeCachePolicies(this, "Policies", { namePrefix });
    this.router = new EdgeRouter(this, "Router", { viewerRequestCode: props.viewerRequestCode, namePrefix });
    // SigV4 on every request, replacing any Authorization a viewer sent.
    this.originAccessControl = new cloudfront.S3OriginAccessControl(this, "AssetsAccess", {
      description: "Slipway: CloudFront reads the assets bucket",
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const shared = {
      certificate: this.certificate.certificate,
      viewerRequest: this.router.viewerRequest,
      behaviors: edgeBehaviors(this.policies),
      assets: this.buckets.assets,
      originAccessControl: this.originAccessControl,
      logs: this.buckets.logs,
    };
    // Adds the bucket policy statement for its own ARN (the L2 S3 origin does it).
    this.platform = new EdgePlatformDistribution(this, "Platform", {
      ...shared,
      domainName: this.certificate.wildcard,
    });
    this.tenants = new EdgeTenantDistribution(this, "Tenants", { ...shared, namePrefix });
    this.buckets.assets.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CustomDomainsReadAssets",
        principals: [new iam.ServicePrincipal("cloudfront.amazonaws.com")],
        actions: ["s3:GetObject"],
        resources: [this.buckets.assets.arnForObjects("*")],
        conditions: { StringEquals: { "AWS:SourceArn": this.tenants.distributionArn } },
      }),
    );
  }
}
