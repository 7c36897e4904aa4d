import {
  type CommitStatusReporter,
  type CoreDeps,
  createGithubStatusReporter,
  type DeploymentRepo,
  repoCredentialOf,
} from "@slipway/core";

export interface AwsStatusReporterOptions {
  readonly secrets: CoreDeps["secrets"];
  readonly deployments: Pick<DeploymentRepo, "update">;
  /** https://api.github.com, or a GitHub Enterprise / test server. */
  readonly apiUrl: string;
  readonly log: (line: string) => void;
}

/**
 * Commit statuses on the AWS target: the reporter `slipway up` uses (fetch only), with the GitHub
 * credential the control plane keeps, the project's own repository token (KMS-sealed in the
 * table, the one the GitRemote resolves refs with). The control plane holds no platform-wide
 * GitHub token, so a project without one gets no statuses, as a local platform without
 * SLIPWAY_GITHUB_TOKEN sends none.
 */
export function createAwsStatusReporter(options: AwsStatusReporterOptions): CommitStatusReporter {
  return createGithubStatusReporter({
    token: null,
    tokenFor: async (project) => (await repoCredentialOf(options, project))?.password ?? null,
    apiUrl: options.apiUrl,
    deployments: options.deployments,
    log: options.log,
  });
}
