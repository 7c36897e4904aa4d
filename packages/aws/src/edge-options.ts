import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SlipwayError } from "@slipway/core/errors";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { EdgeHostedZone } from "./constructs/edge-certificate.ts";
import type { SlipwayEdgeOptions } from "./stack.ts";

/** The viewer-request function aws-runtime ships: what the edge runs unless told otherwise. */
export const DEFAULT_VIEWER_REQUEST_FILE = fileURLToPath(
  new URL("../../aws-runtime/src/edge/viewer-request.js", import.meta.url),
);

/** The edge as a command line gives it: plain strings, the function as a file. */
export interface EdgeInput {
  readonly sitesDomain: string;
  readonly certificateArn?: string;
  /** `<hosted zone id>:<zone name>`, e.g. `Z0123456789ABC:example.com`. */
  readonly hostedZone?: string;
  /** The viewer-request function's .js file. @default DEFAULT_VIEWER_REQUEST_FILE */
  readonly viewerRequestFile?: string;
}

/**
 * Turns command-line edge options into the stack's: the function file must exist (its content
 * becomes the CloudFront Function's code at synth time), the hosted zone must be `id:name`. The
 * domain and the certificate are checked by the constructs.
 */
export function edgeOptionsFrom(input: EdgeInput): SlipwayEdgeOptions {
  const file = resolve(input.viewerRequestFile ?? DEFAULT_VIEWER_REQUEST_FILE);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The viewer-request function file ${file} does not exist.`,
      "Pass the CloudFront Function's .js file the aws-runtime package ships (packages/aws-runtime/src/edge/).",
    );
  }
  return {
    sitesDomain: input.sitesDomain,
    ...(input.certificateArn !== undefined ? { certificateArn: input.certificateArn } : {}),
    ...(input.hostedZone !== undefined ? { hostedZone: parseHostedZone(input.hostedZone) } : {}),
    viewerRequestCode: cloudfront.FunctionCode.fromFile({ filePath: file }),
    flags: input,
  };
}

function parseHostedZone(value: string): EdgeHostedZone {
  const match = /^([A-Z0-9]{1,32}):([a-z0-9.-]+)$/.exec(value);
  if (!match) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The hosted zone ${JSON.stringify(value)} is not <zone id>:<zone name>.`,
      "Write it as the Route 53 zone's id and domain, e.g. Z0123456789ABC:example.com.",
    );
  }
  return { hostedZoneId: match[1] as string, zoneName: match[2] as string };
}
