import type { Deployer, GitRemote } from "@slipway/core";
import { SlipwayError } from "@slipway/core/errors";

/**
 * The two ports the control plane on AWS does not have yet, as loud refusals rather than quiet
 * fakes: a deployment builds, then ends `error` naming what is missing, and a branch cannot be
 * resolved (a full commit sha still deploys). The composition root takes real ones when they
 * exist (the GitHub GitRemote; per-site Lambda functions behind CloudFront).
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

export const gitRemoteNotOnAwsYet: GitRemote = {
  name: "aws-git-remote-missing",
  async resolveRef(repoUrl, ref) {
    throw new SlipwayError(
      "REPOSITORY_UNREACHABLE",
      `The AWS control plane cannot resolve branch "${ref}" of ${repoUrl} yet.`,
      "Deploy a full commit sha (--ref <sha>), or push to GitHub so the webhook names the commit.",
    );
  },
};
