import { SlipwayError } from "@slipway/core/errors";

/** Commercial, GovCloud, China and ISO partitions' region names (`eu-west-1`, `us-gov-east-1`, `cn-north-1`). */
const REGION = /^[a-z]{2}(?:-(?:gov|iso|isob|isoe|isof))?-[a-z]+-\d{1,2}$/;

/** Checks the region's shape before any call, so a typo is named instead of failing in DNS. */
export function requireRegion(region: string): string {
  if (!REGION.test(region)) {
    throw new SlipwayError(
      "USAGE",
      `--region ${JSON.stringify(region)} is not an AWS region name.`,
      "Pass a region such as eu-west-1 or us-east-1 (`aws ec2 describe-regions` lists them).",
    );
  }
  return region;
}
