/**
 * The environment variables naming the edge's resources, set by the CDK stack (only when it has
 * an edge, i.e. a sites domain) on the functions that write routes and files: the contract
 * between packages/aws and the Deployer, the alias relay and the custom-domain steps here.
 * Re-exported as `@slipway/aws/config`. The same values are stack outputs.
 */
export const EDGE_ENV = {
  /** ARN of the CloudFront KeyValueStore the viewer-request function reads (`h:` and `d:` keys). */
  routesStoreArn: "SLIPWAY_EDGE_ROUTES_KVS_ARN",
  /** The bucket of static files (`assets/<deploymentId>/…`), served through CloudFront only. */
  assetsBucket: "SLIPWAY_EDGE_ASSETS_BUCKET",
  /** The standard distribution for `*.<sitesDomain>`. */
  platformDistributionId: "SLIPWAY_EDGE_PLATFORM_DISTRIBUTION_ID",
  /** The multi-tenant distribution custom domains become tenants of (the name main's custom-domain steps read). */
  tenantDistributionId: "SLIPWAY_TENANT_DISTRIBUTION_ID",
  /** The connection group tenants join; its routing endpoint is the CNAME target of custom domains. */
  connectionGroupId: "SLIPWAY_CONNECTION_GROUP_ID",
} as const;
