import { CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_ENV } from "./config.ts";
import { Edge, type EdgeProps } from "./constructs/edge.ts";
import type { SlipwayStack } from "./stack.ts";
import { synthesizedStack, TEST_EDGE } from "./testing/fixture.ts";

// GIVEN the stack with an edge (an inline viewer-request function, a us-east-1 certificate),
// WHEN it is synthesized (once), THEN the edge's security-relevant properties hold.
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack(true, TEST_EDGE));
}, 120_000);
afterAll(() => cleanup());

/** The logical id of an L1, or of an L2's resource. */
const logicalId = (construct: Construct) =>
  stack.getLogicalId((construct instanceof CfnElement ? construct : construct.node.defaultChild) as CfnElement);
const edge = () => {
  if (!stack.edge) throw new Error("the stack has no edge");
  return stack.edge;
};
type Behavior = Record<string, unknown> & { ViewerProtocolPolicy: string; CachePolicyId: unknown };
function distributions(): Array<{ id: string; config: Record<string, unknown> }> {
  return Object.entries(template.findResources("AWS::CloudFront::Distribution")).map(([id, r]) => ({
    id,
    config: r.Properties.DistributionConfig,
  }));
}
const behaviorsOf = (config: Record<string, unknown>) => [
  config.DefaultCacheBehavior as Behavior,
  ...((config.CacheBehaviors ?? []) as Behavior[]),
];

describe("Edge: a fixed number of resources", () => {
  it("has 2 distributions, 3 cache policies, 1 function, 1 store, 1 connection group and no origin request policy of its own (the stack takes no list of sites)", () => {
    template.resourceCountIs("AWS::CloudFront::Distribution", 2);
    template.resourceCountIs("AWS::CloudFront::CachePolicy", 3);
    template.resourceCountIs("AWS::CloudFront::OriginRequestPolicy", 0);
    template.resourceCountIs("AWS::CloudFront::Function", 1);
    template.resourceCountIs("AWS::CloudFront::KeyValueStore", 1);
    template.resourceCountIs("AWS::CloudFront::ConnectionGroup", 1);
    template.resourceCountIs("AWS::CloudFront::DistributionTenant", 0);
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
  });

  it("the stack without edge options has no CloudFront resource at all", () => {
    const bare = synthesizedStack(true);
    try {
      const types = Object.values(bare.template.toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      );
      expect(types.filter((t) => t.startsWith("AWS::CloudFront::"))).toEqual([]);
      expect(bare.stack.edge).toBeNull();
    } finally {
      bare.cleanup();
    }
  }, 120_000);
});

describe("Edge: the router", () => {
  it("one viewer-request function on cloudfront-js-2.0 with the store associated, on every behaviour of both distributions", () => {
    template.hasResourceProperties("AWS::CloudFront::Function", {
      AutoPublish: true,
      FunctionConfig: {
        Runtime: "cloudfront-js-2.0",
        KeyValueStoreAssociations: [{ KeyValueStoreARN: { "Fn::GetAtt": [logicalId(edge().router.store), "Arn"] } }],
      },
    });
    const functionArn = { "Fn::GetAtt": [logicalId(edge().router.viewerRequest), "FunctionARN"] };
    for (const { config } of distributions()) {
      for (const behavior of behaviorsOf(config)) {
        expect(behavior.FunctionAssociations).toEqual([{ EventType: "viewer-request", FunctionARN: functionArn }]);
      }
    }
  });
});

describe("Edge: cache keys", () => {
  it("every cache policy keys on x-slipway-deployment and never on Host", () => {
    for (const policy of Object.values(template.findResources("AWS::CloudFront::CachePolicy"))) {
      const key = policy.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin;
      const headers = (key.HeadersConfig.Headers ?? []) as string[];
      expect(key.HeadersConfig.HeaderBehavior).toBe("whitelist");
      expect(headers).toContain("x-slipway-deployment");
      expect(headers.map((h) => h.toLowerCase())).not.toContain("host");
    }
  });

  it("pages honour the origin's Cache-Control (no default TTL), key on the RSC headers and the preview cookies; images key on Accept", () => {
    template.hasResourceProperties("AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({
        Name: "slipway-pages",
        MinTTL: 0,
        DefaultTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: "whitelist", Headers: Match.arrayWith(["rsc", "next-router-prefetch"]) },
          CookiesConfig: { CookieBehavior: "whitelist", Cookies: ["__prerender_bypass", "__next_preview_data"] },
          QueryStringsConfig: { QueryStringBehavior: "all" },
        }),
      }),
    });
    template.hasResourceProperties("AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({
        Name: "slipway-images",
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: "whitelist", Headers: ["x-slipway-deployment", "accept"] },
        }),
      }),
    });
  });

  it("requests to functions carry every viewer header but Host (the managed AllViewerExceptHostHeader); static files carry none", () => {
    const managed = cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId;
    for (const { config } of distributions()) {
      const [fallback, ...byPath] = behaviorsOf(config);
      expect(fallback?.OriginRequestPolicyId).toBe(managed);
      const staticFiles = byPath.find((b) => b.PathPattern === "/_next/static/*");
      expect(staticFiles?.OriginRequestPolicyId).toBeUndefined();
      expect(staticFiles?.CachePolicyId).toEqual({ Ref: logicalId(edge().policies.staticAssets) });
      expect(byPath.find((b) => b.PathPattern === "/_next/image*")?.OriginRequestPolicyId).toBe(managed);
    }
  });
});

describe("Edge: viewers", () => {
  it("both distributions: TLS 1.2 (2021) at least over SNI, HTTP/2 and 3, HTTPS only on every behaviour", () => {
    const all = distributions();
    expect(all).toHaveLength(2);
    for (const { config } of all) {
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: TEST_EDGE.certificateArn,
        MinimumProtocolVersion: "TLSv1.2_2021",
        SslSupportMethod: "sni-only",
      });
      expect(config.HttpVersion).toBe("http2and3");
      for (const behavior of behaviorsOf(config)) expect(behavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    }
  });

  it("the platform distribution serves *.<sitesDomain>; the multi-tenant one is tenant-only, without what tenants' connection group owns", () => {
    const platform = template.toJSON().Resources[logicalId(edge().platform.distribution)].Properties.DistributionConfig;
    expect(platform.Aliases).toEqual(["*.sites.example.com"]);
    const tenants = template.toJSON().Resources[logicalId(edge().tenants.distribution)].Properties.DistributionConfig;
    expect(tenants.ConnectionMode).toBe("tenant-only");
    for (const refused of ["Aliases", "IPV6Enabled", "PriceClass", "Staging", "ContinuousDeploymentPolicyId"]) {
      expect(tenants[refused]).toBeUndefined();
    }
    template.hasResourceProperties("AWS::CloudFront::ConnectionGroup", { Enabled: true, Ipv6Enabled: true });
  });

  it("both distributions write access logs to the edge log bucket, which has ACLs (CloudFront's delivery needs them) and expires logs", () => {
    const logs = { "Fn::GetAtt": [logicalId(edge().buckets.logs), "RegionalDomainName"] };
    for (const { config } of distributions()) {
      expect(config.Logging).toMatchObject({ Bucket: logs, Prefix: expect.stringMatching(/^(platform|tenants)\/$/) });
    }
    template.hasResourceProperties("AWS::S3::Bucket", {
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: "expire-edge-logs", ExpirationInDays: 90 })]),
      },
    });
  });
});

describe("Edge: the assets bucket", () => {
  it("every S3 origin goes through the one Origin Access Control (SigV4, always), never an origin access identity", () => {
    const oac = { "Fn::GetAtt": [logicalId(edge().originAccessControl), "Id"] };
    template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    });
    template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    for (const { config } of distributions()) {
      const origins = config.Origins as Array<Record<string, unknown>>;
      expect(origins).toHaveLength(1);
      expect(origins[0]).toMatchObject({
        DomainName: { "Fn::GetAtt": [logicalId(edge().buckets.assets), "RegionalDomainName"] },
        OriginAccessControlId: oac,
        S3OriginConfig: { OriginAccessIdentity: "" },
      });
    }
  });

  it("its policy lets CloudFront read objects only for these two distributions (aws:SourceArn), and nobody else anything", () => {
    const [policy] = Object.values(
      template.findResources("AWS::S3::BucketPolicy", {
        Properties: { Bucket: { Ref: logicalId(edge().buckets.assets) } },
      }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).toHaveLength(2);
    const arnOf = (distributionId: string) => ({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":cloudfront::",
          { Ref: "AWS::AccountId" },
          ":distribution/",
          { Ref: distributionId },
        ],
      ],
    });
    const sources = allows.map(
      (s) => (s.Condition as { StringEquals: Record<string, unknown> }).StringEquals["AWS:SourceArn"],
    );
    expect(sources).toEqual(
      expect.arrayContaining([
        arnOf(logicalId(edge().platform.distribution)),
        arnOf(logicalId(edge().tenants.distribution)),
      ]),
    );
    for (const allow of allows) {
      expect(allow).toMatchObject({ Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject" });
    }
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: Match.objectLike({ RestrictPublicBuckets: true, BlockPublicPolicy: true }),
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalId(stack.buckets.accessLogs) },
        LogFilePrefix: "assets/",
      },
    });
  });
});

describe("Edge: what the Deployer and the domain steps get", () => {
  it("the steps function has the edge's names in EDGE_ENV variables, and each is a stack output", () => {
    const env = template.toJSON().Resources[logicalId(stack.steps.handler.fn)].Properties.Environment.Variables;
    expect(env[EDGE_ENV.routesStoreArn]).toEqual({ "Fn::GetAtt": [logicalId(edge().router.store), "Arn"] });
    expect(env[EDGE_ENV.assetsBucket]).toEqual({ Ref: logicalId(edge().buckets.assets) });
    expect(env[EDGE_ENV.platformDistributionId]).toEqual({ Ref: logicalId(edge().platform.distribution) });
    expect(env[EDGE_ENV.tenantDistributionId]).toEqual({ Ref: logicalId(edge().tenants.distribution) });
    expect(env[EDGE_ENV.connectionGroupId]).toEqual({
      "Fn::GetAtt": [logicalId(edge().tenants.connectionGroup), "Id"],
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        "EdgeRoutesStoreArn",
        "EdgeAssetsBucket",
        "EdgeLogsBucket",
        "EdgePlatformDistributionId",
        "EdgeTenantDistributionId",
        "EdgeConnectionGroupId",
        "EdgePlatformDomainName",
        "EdgeCustomDomainTarget",
      ]),
    );
  });

  it("the steps may write keys of this store and files under assets/ only; the API gets neither, only a listing", () => {
    const policiesOf = (role: Construct) =>
      Object.values(
        template.findResources("AWS::IAM::Policy", {
          Properties: { Roles: Match.arrayWith([{ Ref: logicalId(role) }]) },
        }),
      ).flatMap(
        (p) =>
          p.Properties.PolicyDocument.Statement as Array<{
            Action: string | string[];
            Resource: unknown;
            Condition?: unknown;
          }>,
      );
    const steps = policiesOf(stack.steps.handler.role);
    const kvs = steps.find((s) => [s.Action].flat().includes("cloudfront-keyvaluestore:PutKey"));
    expect(kvs?.Resource).toEqual({ "Fn::GetAtt": [logicalId(edge().router.store), "Arn"] });
    const put = steps.find(
      (s) => [s.Action].flat().includes("s3:PutObject") && JSON.stringify(s.Resource).includes("/assets/*"),
    );
    expect(put?.Resource).toEqual({
      "Fn::Join": ["", [{ "Fn::GetAtt": [logicalId(edge().buckets.assets), "Arn"] }, "/assets/*"]],
    });
    const api = JSON.stringify(policiesOf(stack.api.handler.role));
    expect(api).not.toContain("cloudfront-keyvaluestore");
    // The API only lists the assets (the usage route's storage), under assets/, and never reads or writes them.
    const apiAssets = policiesOf(stack.api.handler.role).filter((s) =>
      JSON.stringify(s.Resource).includes(logicalId(edge().buckets.assets)),
    );
    expect(apiAssets).toEqual([
      expect.objectContaining({
        Action: "s3:ListBucket",
        Resource: { "Fn::GetAtt": [logicalId(edge().buckets.assets), "Arn"] },
        Condition: { StringLike: { "s3:prefix": ["assets/*"] } },
      }),
    ]);
  });
});

describe("Edge: what the site functions read", () => {
  it("the site functions' role reads objects under the assets bucket's assets/ (the image loader's originals) and nothing else of it", () => {
    const statements = Object.values(
      template.findResources("AWS::IAM::Policy", {
        Properties: { Roles: Match.arrayWith([{ Ref: logicalId(stack.siteFunctions.role) }]) },
      }),
    ).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
    const assets = statements.filter((s) => JSON.stringify(s.Resource).includes(logicalId(edge().buckets.assets)));
    expect(assets).toEqual([
      expect.objectContaining({
        Action: "s3:GetObject",
        Resource: { "Fn::Join": ["", [{ "Fn::GetAtt": [logicalId(edge().buckets.assets), "Arn"] }, "/assets/*"]] },
      }),
    ]);
  });
});

describe("Edge: custom domains' CloudFront rights", () => {
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
  const cloudFrontStatements = (role: Construct): Statement[] =>
    Object.values(
      template.findResources("AWS::IAM::Policy", {
        Properties: { Roles: Match.arrayWith([{ Ref: logicalId(role) }]) },
      }),
    )
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("cloudfront:")));
  const tenants = {
    "Fn::Join": [
      "",
      ["arn:", { Ref: "AWS::Partition" }, ":cloudfront::", { Ref: "AWS::AccountId" }, ":distribution-tenant/*"],
    ],
  };
  const siteTenantsOnly = { Null: { "aws:ResourceTag/slipway:site": "false" } };
  const verifyRights = () => [
    {
      Action: "cloudfront:GetConnectionGroup",
      Resource: { "Fn::GetAtt": [logicalId(edge().tenants.connectionGroup), "Arn"] },
    },
    {
      Action: "cloudfront:CreateDistributionTenant",
      Resource: "*",
      Condition: {
        Null: { "aws:RequestTag/slipway:site": "false" },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["slipway:site"] },
      },
    },
    { Action: ["cloudfront:GetDistributionTenant", "cloudfront:VerifyDnsConfiguration"], Resource: tenants },
    { Action: "cloudfront:UpdateDistributionTenant", Resource: tenants, Condition: siteTenantsOnly },
  ];
  const byAction = (a: Statement, b: Statement) => String(a.Action).localeCompare(String(b.Action));
  const shape = (statements: Statement[]) =>
    statements.map(({ Action, Resource, Condition }) => ({ Action, Resource, ...(Condition ? { Condition } : {}) }));

  it("the API may read the connection group and create, read, update and DNS-check site tenants: what `domains verify` calls, nothing more", () => {
    expect(shape(cloudFrontStatements(stack.api.handler.role)).sort(byAction)).toEqual(verifyRights().sort(byAction));
  });

  it("the API function is told the tenant distribution, the connection group and the route table, as the steps are", () => {
    const env = template.toJSON().Resources[logicalId(stack.api.handler.fn)].Properties.Environment.Variables;
    expect(env[EDGE_ENV.tenantDistributionId]).toEqual({ Ref: logicalId(edge().tenants.distribution) });
    expect(env[EDGE_ENV.connectionGroupId]).toEqual({
      "Fn::GetAtt": [logicalId(edge().tenants.connectionGroup), "Id"],
    });
    expect(env[EDGE_ENV.routesStoreArn]).toEqual({ "Fn::GetAtt": [logicalId(edge().router.store), "Arn"] });
  });

  it("the steps get the same, plus the managed certificate's state and deleting a site tenant", () => {
    expect(shape(cloudFrontStatements(stack.steps.handler.role)).sort(byAction)).toEqual(
      [
        ...verifyRights(),
        { Action: "cloudfront:GetManagedCertificateDetails", Resource: tenants },
        { Action: "cloudfront:DeleteDistributionTenant", Resource: tenants, Condition: siteTenantsOnly },
      ].sort(byAction),
    );
  });
});

describe("Edge: the certificate", () => {
  const props = (overrides: Partial<EdgeProps>): EdgeProps => {
    const scope = new Stack();
    return {
      ...TEST_EDGE,
      serverAccessLogs: new s3.Bucket(scope, "Logs"),
      ...overrides,
    };
  };
  const build = (p: EdgeProps) => new Edge(Stack.of(p.serverAccessLogs), "Edge", p);

  it("refuses a certificate outside us-east-1, naming the ARN", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
    expect(() => build(props({ certificateArn: arn }))).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(arn) }),
    );
  });

  it("refuses both or neither of certificateArn and hostedZone, and a zone that is not a parent of the sites domain", () => {
    const zone = { hostedZoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" };
    expect(() => build(props({ hostedZone: zone }))).toThrow(/certificateArn \/ hostedZone/);
    const { certificateArn: _, ...withoutArn } = props({});
    expect(() => build(withoutArn)).toThrow(/certificateArn \/ hostedZone/);
    const { certificateArn: __, ...fresh } = props({});
    expect(() =>
      build({ ...fresh, hostedZone: { hostedZoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.org" } }),
    ).toThrow(/hostedZone.zoneName "example.org"/);
  });

  it("refuses a sites domain that is not a lowercase DNS name", () => {
    expect(() => build(props({ sitesDomain: "Sites.Example.com" }))).toThrow(/sitesDomain "Sites.Example.com"/);
  });

  it("with a hosted zone, requests *.<sitesDomain> validated by DNS in that zone, and the template refuses any region but us-east-1", () => {
    const { certificateArn: _, ...withoutArn } = props({});
    const built = build({
      ...withoutArn,
      hostedZone: { hostedZoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" },
    });
    const t = Template.fromStack(Stack.of(built));
    t.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: "*.sites.example.com",
      ValidationMethod: "DNS",
      DomainValidationOptions: [{ DomainName: "*.sites.example.com", HostedZoneId: "Z0123456789ABCDEFGHIJ" }],
    });
    const rules = JSON.stringify(t.toJSON().Rules);
    expect(rules).toContain('{"Fn::Equals":[{"Ref":"AWS::Region"},"us-east-1"]}');
  });
});
