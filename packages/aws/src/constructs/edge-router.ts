import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { Construct } from "constructs";

export interface EdgeRouterProps {
  /**
   * The viewer-request function's code (the aws-runtime package ships it as a .js file under
   * 10 KB: `FunctionCode.fromFile(VIEWER_REQUEST_FUNCTION_PATH)`). It reads the store through
   * `cf.kvs()` and picks each request's origin with `cf.updateRequestOrigin`.
   */
  readonly viewerRequestCode: cloudfront.FunctionCode;
  /**
   * Prefix of the function's name (unique per account).
   * @default "slipway"
   */
  readonly namePrefix?: string;
}

/**
 * The routing table and the code that reads it: one CloudFront KeyValueStore (host → deployment,
 * deployment → origins, written by the Deployer and the alias relay) and one viewer-request
 * CloudFront Function (runtime cloudfront-js-2.0, the only one that reads a store) with the store
 * associated. Both distributions run this one function; a site adds keys, never resources.
 */
export class EdgeRouter extends Construct {
  readonly store: cloudfront.KeyValueStore;
  readonly viewerRequest: cloudfront.Function;

  constructor(scope: Construct, id: string, props: EdgeRouterProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? "slipway";
    this.store = new cloudfront.KeyValueStore(this, "Routes", {
      keyValueStoreName: `${prefix}-routes`,
      comment: "Slipway routes: h:<host> -> deployment, d:<deployment> -> origins",
    });
    this.viewerRequest = new cloudfront.Function(this, "ViewerRequest", {
      functionName: `${prefix}-viewer-request`,
      comment: "Slipway: resolves the host's deployment and picks its origin",
      code: props.viewerRequestCode,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      keyValueStore: this.store,
      autoPublish: true,
    });
  }
}
