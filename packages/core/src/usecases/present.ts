import type { Deployment, Project } from "../domain/model.ts";
import { displayRepoUrl } from "../domain/repo-credentials.ts";
import { deploymentHostname } from "./aliases.ts";
import type { CoreDeps } from "./deps.ts";
import { webhookUrl } from "./projects.ts";
import { webhookSecretOf } from "./repo-access.ts";

/** The public JSON shape of a deployment (API and `--json` output). */
export function presentDeployment(deps: Pick<CoreDeps, "urls">, project: Project, d: Deployment) {
  return {
    id: d.id,
    project: project.name,
    status: d.status,
    statusReason: d.statusReason,
    url: deps.urls.url(deploymentHostname(deps, project, d.id)),
    environment: d.environment,
    commit: { sha: d.commit.sha, branch: d.commit.branch, message: d.commit.message, author: d.commit.author },
    trigger: d.trigger,
    createdAt: d.createdAt,
    buildStartedAt: d.buildStartedAt,
    readyAt: d.readyAt,
    finishedAt: d.finishedAt,
  };
}

export type DeploymentView = ReturnType<typeof presentDeployment>;

/**
 * The webhook secret is shown: it is needed to configure GitHub, and only the owner can read it.
 * A repository credential never is: the URL shows `***@` where it goes.
 */
export async function presentProject(deps: Pick<CoreDeps, "urls" | "secrets">, project: Project) {
  return {
    id: project.id,
    name: project.name,
    /** The owning team: a client shows the caller's role there (the API still checks every write). */
    teamId: project.teamId,
    repo: displayRepoUrl(project.repoUrl, project.repoCredentialEncrypted !== null),
    productionBranch: project.productionBranch,
    rootDir: project.rootDir,
    installCommand: project.installCommand,
    buildCommand: project.buildCommand,
    nodeVersion: project.nodeVersion,
    url: deps.urls.url(deps.urls.hostname(project.name)),
    webhook: { url: webhookUrl(deps, project), secret: await webhookSecretOf(deps, project) },
    createdAt: project.createdAt,
  };
}
