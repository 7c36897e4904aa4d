import { SITE_TAG } from "@slipway/aws-runtime/cost-tags";
import { Aws } from "aws-cdk-lib";
import type * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { EdgeBehavior } from "./edge-behaviors.ts";

export interface EdgeTenantDistributionProps {
  /** The distribution's default certificate (the platform wildcard): its TLS policy is what tenants get. */
  readonly certificate: acm.ICertificate;
  readonly viewerRequest: cloudfront.IFunction;
  readonly behaviors: readonly EdgeBehavior[];
  readonly assets: s3.IBucket;
  readonly originAccessControl: cloudfront.IOriginAccessControl;
  readonly logs: s3.IBucket;
  /**
   * Prefix of the connection group's name.
   * @default "slipway"
   */
  readonly namePrefix?: string;
}

const ASSETS_ORIGIN_ID = "assets";

/**
 * Custom domains: one multi-tenant distribution (`ConnectionMode: tenant-only`, CloudFront SaaS
 * Manager) with the same function, store, policies and assets origin as the platform
 * distribution, and the connection group its tenants join (its routing endpoint is the CNAME
 * target customers set). A site's custom domains become a distribution tenant, created at run
 * time with a CloudFront-managed certificate: no distribution and no policy per site.
 *
 * An L1: the L2 `Distribution` always writes `IPV6Enabled`, which a multi-tenant distribution
 * refuses (IPv6 belongs to the connection group, as do `Aliases` and `PriceClass`).
 */
export class EdgeTenantDistribution extends Construct {
  readonly distribution: cloudfront.CfnDistribution;
  readonly connectionGroup: cloudfront.CfnConnectionGroup;
  /** `arn:…:cloudfront::<account>:distribution/<id>`, what the assets bucket policy names. */
  readonly distributionArn: string;
  /** `arn:…:cloudfront::<account>:distribution-tenant/*`: CloudFront picks a tenant's id when it creates it. */
  readonly tenantArns: string;

  constructor(scope: Construct, id: string, props: EdgeTenantDistributionProps) {
    super(scope, id);
    const behavior = (b: EdgeBehavior) => ({
      targetOriginId: ASSETS_ORIGIN_ID,
      cachePolicyId: b.cachePolicy.cachePolicyId,
      ...(b.originRequestPolicy ? { originRequestPolicyId: b.originRequestPolicy.originRequestPolicyId } : {}),
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: b.readOnly ? ["GET", "HEAD"] : ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      functionAssociations: [{ eventType: "viewer-request", functionArn: props.viewerRequest.functionArn }],
    });
    const fallback = props.behaviors.find((b) => b.pathPattern === null);
    if (!fallback) throw new Error("EdgeTenantDistribution: the behaviours have no default");
    this.distribution = new cloudfront.CfnDistribution(this, "Distribution", {
      distributionConfig: {
        comment: "Slipway custom domains (multi-tenant: one tenant per site)",
        enabled: true,
        connectionMode: "tenant-only",
        httpVersion: "http2and3",
        viewerCertificate: {
          acmCertificateArn: props.certificate.certificateArn,
          minimumProtocolVersion: "TLSv1.2_2021",
          sslSupportMethod: "sni-only",
        },
        logging: { bucket: props.logs.bucketRegionalDomainName, prefix: "tenants/", includeCookies: false },
        origins: [
          {
            id: ASSETS_ORIGIN_ID,
            domainName: props.assets.bucketRegionalDomainName,
            originAccessControlId: props.originAccessControl.originAccessControlId,
            // Empty: with OAC, CloudFront signs the requests, no origin access identity.
            s3OriginConfig: { originAccessIdentity: "" },
          },
        ],
        defaultCacheBehavior: behavior(fallback),
        cacheBehaviors: props.behaviors
          .filter((b) => b.pathPattern !== null)
          .map((b) => ({ pathPattern: b.pathPattern as string, ...behavior(b) })),
      },
    });
    this.distributionArn = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${this.distribution.ref}`;
    this.tenantArns = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution-tenant/*`;
    this.connectionGroup = new cloudfront.CfnConnectionGroup(this, "ConnectionGroup", {
      name: `${props.namePrefix ?? "slipway"}-custom-domains`,
      enabled: true,
      ipv6Enabled: true,
    });
  }

  /**
   * What `domains add` and `domains verify` call (aws-runtime's createTenantDomainEdge `records`
   * and `verify`): the connection group's routing endpoint, then the site's tenant read, created
   * or updated to hold the domain, then CloudFront's DNS check. Tenants are created only tagged
   * with SITE_TAG, and only tenants with that tag are changed.
   */
  grantVerify(role: iam.IRole): void {
    const statements = [
      new iam.PolicyStatement({
        actions: ["cloudfront:GetConnectionGroup"],
        resources: [this.connectionGroup.attrArn],
      }),
      // CreateDistributionTenant has no resource type to scope to; the request's tags are checked instead.
      new iam.PolicyStatement({
        actions: ["cloudfront:CreateDistributionTenant"],
        resources: ["*"],
        conditions: {
          Null: { [`aws:RequestTag/${SITE_TAG}`]: "false" },
          "ForAllValues:StringEquals": { "aws:TagKeys": [SITE_TAG] },
        },
      }),
      // No tag condition: an absent tenant must answer EntityNotFound (verify then creates it), not AccessDenied.
      new iam.PolicyStatement({
        actions: ["cloudfront:GetDistributionTenant", "cloudfront:VerifyDnsConfiguration"],
        resources: [this.tenantArns],
      }),
      this.onSiteTenants("cloudfront:UpdateDistributionTenant"),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
  }

  /**
   * The domain steps (`domain.provision`, its polls, `domain.detach`): what verify calls, plus the
   * managed certificate's state and deleting a site's tenant with its last domain.
   */
  grantManage(role: iam.IRole): void {
    this.grantVerify(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["cloudfront:GetManagedCertificateDetails"], resources: [this.tenantArns] }),
    );
    role.addToPrincipalPolicy(this.onSiteTenants("cloudfront:DeleteDistributionTenant"));
  }

  /** A write allowed only on tenants tagged SITE_TAG (every site's tenant is created with it). */
  private onSiteTenants(action: string): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: [action],
      resources: [this.tenantArns],
      conditions: { Null: { [`aws:ResourceTag/${SITE_TAG}`]: "false" } },
    });
  }
}
