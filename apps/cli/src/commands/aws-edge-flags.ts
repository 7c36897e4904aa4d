import type { EdgeInput } from "@slipway/aws";
import { SlipwayError } from "@slipway/core/errors";

/** The flags that put the edge (CloudFront in front of the sites) in the stack. */
export const EDGE_OPTIONS = {
  "sites-domain": { type: "string" },
  "certificate-arn": { type: "string" },
  "hosted-zone": { type: "string" },
  "viewer-request": { type: "string" },
} as const;

export const EDGE_USAGE =
  "           --sites-domain D  sites are served at <project>.D by the edge (CloudFront), with\n" +
  "                             --certificate-arn ARN (us-east-1, covering *.D) or --hosted-zone ID:NAME\n" +
  "                             (a Route 53 zone to validate one in; then deploy in us-east-1)\n" +
  "           --viewer-request FILE  the edge's CloudFront Function (default: the one aws-runtime ships)";

/**
 * The edge flags, or null without --sites-domain. A sites domain needs a certificate (the edge
 * serves *.D over HTTPS only); the certificate and function flags alone are a mistake, named.
 */
export function edgeInputOf(values: Record<string, unknown>): EdgeInput | null {
  const text = (name: string) => values[name] as string | undefined;
  const sitesDomain = text("sites-domain");
  const rest = ["certificate-arn", "hosted-zone", "viewer-request"].filter((name) => text(name) !== undefined);
  if (sitesDomain === undefined) {
    if (rest.length === 0) return null;
    throw new SlipwayError(
      "INVALID_INPUT",
      `--${rest[0]} needs --sites-domain.`,
      "The edge serves *.<sites domain>: pass --sites-domain with it.",
    );
  }
  const certificateArn = text("certificate-arn");
  const hostedZone = text("hosted-zone");
  if (certificateArn === undefined && hostedZone === undefined) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `--sites-domain ${sitesDomain} needs --certificate-arn ARN or --hosted-zone ID:NAME.`,
      `The edge serves *.${sitesDomain} over HTTPS: give a us-east-1 ACM certificate covering it, or the Route 53 zone to validate one in.`,
    );
  }
  const viewerRequestFile = text("viewer-request");
  return {
    sitesDomain,
    ...(viewerRequestFile !== undefined ? { viewerRequestFile } : {}),
    ...(certificateArn !== undefined ? { certificateArn } : {}),
    ...(hostedZone !== undefined ? { hostedZone } : {}),
  };
}

/** The flags as a command line would give them, for a person reading what is kept. */
export function describeEdgeFlags(edge: EdgeInput): string {
  return [
    `--sites-domain ${edge.sitesDomain}`,
    ...(edge.certificateArn !== undefined ? [`--certificate-arn ${edge.certificateArn}`] : []),
    ...(edge.hostedZone !== undefined ? [`--hosted-zone ${edge.hostedZone}`] : []),
    ...(edge.viewerRequestFile !== undefined ? [`--viewer-request ${edge.viewerRequestFile}`] : []),
  ].join(" ");
}
