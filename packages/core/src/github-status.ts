import { COMMIT_STATE_OF } from "./domain/commit-state.ts";
import { githubRepoOf } from "./domain/github-repo.ts";
import type { Deployment, DeploymentStatus, Project } from "./domain/model.ts";
import type { CommitStatusReporter } from "./ports/commit-status.ts";
import type { DeploymentRepo } from "./ports/store.ts";

// Here, not in an adapter package, because both targets report through it with nothing but
// `fetch`: the local platform with its configured token, the AWS step functions with the project's.
export interface GithubStatusOptions {
  /** The platform's token; null when only projects' own tokens (`tokenFor`) are there. */
  token: string | null;
  /** A project's own token, tried before `token` (the AWS target: its repository credential). */
  tokenFor?: (project: Project) => Promise<string | null>;
  /** https://api.github.com, or a GitHub Enterprise / test server. */
  apiUrl: string;
  /** Where the GitHub deployment id of each deployment is kept (`statusReportId`). */
  deployments: Pick<DeploymentRepo, "update">;
  log(line: string): void;
}

const DEPLOYMENT_STATE: Record<DeploymentStatus, string> = {
  queued: "queued",
  building: "in_progress",
  deploying: "in_progress",
  ready: "success",
  error: "failure",
  canceled: "inactive",
};

/**
 * Commit statuses (the check next to a commit) and GitHub Deployments with their statuses (the
 * "View deployment" button on pull requests), through GitHub's REST API with a token.
 */
export function createGithubStatusReporter(options: GithubStatusOptions): CommitStatusReporter {
  const call = async (token: string, method: string, path: string, body: unknown) => {
    const response = await fetch(`${options.apiUrl.replace(/\/$/, "")}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "content-type": "application/json",
        "user-agent": "slipway",
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`GitHub ${method} ${path} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };

  const report = async (project: Project, deployment: Deployment, url: string) => {
    const repo = githubRepoOf(project.repoUrl);
    if (!repo) return;
    const token = (await options.tokenFor?.(project)) ?? options.token;
    // No token that may write statuses: nothing to send (not a fault; the deployment goes on).
    if (!token) return;
    const description = deployment.statusReason?.slice(0, 140) ?? `Slipway deployment ${deployment.status}`;
    await call(token, "POST", `/repos/${repo}/statuses/${deployment.commit.sha}`, {
      state: COMMIT_STATE_OF[deployment.status],
      target_url: url,
      description,
      context: `slipway/${project.name}`,
    });
    // Kept with the deployment, not in this process: whichever process (`slipway up`, a worker,
    // after a restart) reports next adds its status to the same GitHub deployment. The pipeline
    // reports a deployment's statuses one after another, so two never race to create it.
    let id = deployment.statusReportId;
    if (id === undefined) {
      const created = await call(token, "POST", `/repos/${repo}/deployments`, {
        ref: deployment.commit.sha,
        environment:
          deployment.environment === "production"
            ? "Production"
            : `Preview – ${deployment.commit.branch ?? deployment.id}`,
        auto_merge: false,
        required_contexts: [],
        transient_environment: deployment.environment !== "production",
        production_environment: deployment.environment === "production",
        payload: { slipwayDeploymentId: deployment.id },
      });
      // The id goes into a URL path: only a number GitHub gave is used.
      if (!Number.isSafeInteger(created.id)) throw new Error(`GitHub answered a deployment id ${String(created.id)}`);
      id = String(created.id);
      await options.deployments.update(deployment.id, { statusReportId: id });
    }
    await call(token, "POST", `/repos/${repo}/deployments/${id}/statuses`, {
      state: DEPLOYMENT_STATE[deployment.status],
      environment_url: deployment.status === "ready" ? url : undefined,
      description,
    });
  };

  return {
    name: "github",
    async report(project, deployment, url) {
      try {
        await report(project, deployment, url);
      } catch (error) {
        options.log(`GitHub status for ${deployment.id} not sent: ${(error as Error).message}`);
      }
    },
  };
}
