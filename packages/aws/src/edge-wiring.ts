import { CfnOutput, type RemovalPolicy, type Stack } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as iam from "aws-cdk-lib/aws-iam";
import { EDGE_ENV } from "./config.ts";
import type { Api } from "./constructs/api.ts";
import type { Buckets } from "./constructs/buckets.ts";
import { Edge, type EdgeProps } from "./constructs/edge.ts";
import type { SiteFunctions } from "./constructs/site-functions.ts";
import type { StepWorkers } from "./constructs/step-workers.ts";
import { EDGE_FLAGS_OUTPUT, edgeFlagsValue } from "./edge-flags-output.ts";
import type { EdgeInput } from "./edge-options.ts";

/** What the stack needs to build the edge; the rest of `EdgeProps` comes from the stack. */
export type SlipwayEdgeOptions = Pick<EdgeProps, "sitesDomain" | "certificateArn" | "hostedZone"> & {
  /** The viewer-request function's code: `FunctionCode.fromFile(VIEWER_REQUEST_FUNCTION_PATH)`. */
  readonly viewerRequestCode: cloudfront.FunctionCode;
  /** The command-line flags these options came from, kept as a stack output (edge-flags-output.ts). */
  readonly flags?: EdgeInput;
};

/** The stack the edge is added to, with the parts it is wired to (the stack's own fields). */
export interface EdgeHost extends Stack {
  readonly buckets: Buckets;
  readonly steps: StepWorkers;
  readonly api: Api;
  readonly siteFunctions: SiteFunctions;
}

/**
 * The edge, its names in the steps' environment (the Deployer and the domain steps run there)
 * with the writes they need (routes in the store, files in the assets bucket), and its outputs.
 */
export function addEdge(stack: EdgeHost, options: SlipwayEdgeOptions, removalPolicy: RemovalPolicy): Edge {
  const edge = new Edge(stack, "Edge", { ...options, serverAccessLogs: stack.buckets.accessLogs, removalPolicy });
  const names: Record<keyof typeof EDGE_ENV, string> = {
    routesStoreArn: edge.router.store.keyValueStoreArn,
    assetsBucket: edge.buckets.assets.bucketName,
    platformDistributionId: edge.platform.distribution.distributionId,
    tenantDistributionId: edge.tenants.distribution.ref,
    connectionGroupId: edge.tenants.connectionGroup.attrId,
  };
  for (const [name, value] of Object.entries(names)) {
    stack.steps.handler.fn.addEnvironment(EDGE_ENV[name as keyof typeof EDGE_ENV], value);
  }
  // `domains add` and `domains verify` run in the API: it builds the custom-domain edge from the
  // same three names (it never writes the route table: the steps do, once a domain is active).
  for (const name of ["routesStoreArn", "tenantDistributionId", "connectionGroupId"] as const) {
    stack.api.handler.fn.addEnvironment(EDGE_ENV[name], names[name]);
  }
  stack.siteFunctions.grantReadAssets(edge.buckets.assets);
  edge.tenants.grantVerify(stack.api.handler.role);
  edge.tenants.grantManage(stack.steps.handler.role);
  const role = stack.steps.handler.role;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        "cloudfront-keyvaluestore:DescribeKeyValueStore",
        "cloudfront-keyvaluestore:GetKey",
        "cloudfront-keyvaluestore:PutKey",
        "cloudfront-keyvaluestore:DeleteKey",
      ],
      resources: [edge.router.store.keyValueStoreArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [edge.buckets.assets.bucketArn] }),
  );
  // The usage route counts a site's static files (S3's share of the cost): listing, no reading.
  stack.api.handler.fn.addEnvironment(EDGE_ENV.assetsBucket, names.assetsBucket);
  stack.api.handler.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [edge.buckets.assets.bucketArn],
      conditions: { StringLike: { "s3:prefix": ["assets/*"] } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: [edge.buckets.assets.arnForObjects("assets/*")],
    }),
  );
  const outputs: Array<[string, string, string]> = [
    ["EdgeRoutesStoreArn", names.routesStoreArn, `The routes KeyValueStore (${EDGE_ENV.routesStoreArn})`],
    ["EdgeAssetsBucket", names.assetsBucket, `Static files, served by CloudFront only (${EDGE_ENV.assetsBucket})`],
    // With EdgeAssetsBucket, what `slipway aws destroy --remove-data` empties of the edge.
    ["EdgeLogsBucket", edge.buckets.logs.bucketName, "The distributions' access logs"],
    [
      "EdgePlatformDistributionId",
      names.platformDistributionId,
      `*.${options.sitesDomain} (${EDGE_ENV.platformDistributionId})`,
    ],
    ["EdgeTenantDistributionId", names.tenantDistributionId, `Custom domains (${EDGE_ENV.tenantDistributionId})`],
    [
      "EdgeConnectionGroupId",
      names.connectionGroupId,
      `Custom domains' tenants join it (${EDGE_ENV.connectionGroupId})`,
    ],
    [
      "EdgePlatformDomainName",
      edge.platform.distribution.distributionDomainName,
      `Point *.${options.sitesDomain} here (CNAME, or a Route 53 alias)`,
    ],
    [
      "EdgeCustomDomainTarget",
      edge.tenants.connectionGroup.attrRoutingEndpoint,
      "Custom domains point here (CNAME): the connection group's routing endpoint",
    ],
  ];
  if (options.flags) {
    outputs.push([
      EDGE_FLAGS_OUTPUT,
      edgeFlagsValue(options.flags),
      "The edge flags of the last deploy: `slipway aws upgrade` keeps them when given none",
    ]);
  }
  for (const [id, value, description] of outputs) new CfnOutput(stack, id, { value, description });
  return edge;
}
