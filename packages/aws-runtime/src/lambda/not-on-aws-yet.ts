import type { Deployer } from "@slipway/core";

/**
 * The port the control plane on AWS does not have yet, as a loud refusal rather than a quiet
 * fake: a deployment builds, then ends `error` naming what is missing. The composition root takes
 * the real one when it exists (per-site Lambda functions behind CloudFront).
 */
export const deployerNotOnAwsYet: Deployer = {
  name: "aws-deployer-missing",
  async activate() {
    return {
      ok: false,
      reason: "the AWS target cannot run sites yet (per-site Lambda functions and CloudFront are not built)",
    };
  },
  // activate made nothing, so there is nothing to free.
  async deactivate() {},
};
