import { randomBytes } from "node:crypto";
import { newId, nowIso } from "../domain/ids.ts";
import { DEFAULT_NODE_VERSION, type Project } from "../domain/model.ts";
import { hostnameCollision, projectNameProblem } from "../domain/names.ts";
import { splitRepoCredential } from "../domain/repo-credentials.ts";
import { validateRepoUrl } from "../domain/repo-url.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";
import { sealRepoCredential } from "./repo-access.ts";
import { validateBranchName, validateNodeVersion, validateRootDir } from "./validation.ts";

export interface CreateProjectInput {
  name: string;
  repo: string;
  branch?: string;
  rootDir?: string;
  installCommand?: string | null;
  buildCommand?: string | null;
  /** Node.js major version: "20", "22" or "24". @default DEFAULT_NODE_VERSION */
  nodeVersion?: string;
  /** The owning team (the API passes the caller's); null only for the admin token before any user. */
  teamId?: string | null;
}

export async function createProject(
  deps: Pick<CoreDeps, "store" | "secrets">,
  input: CreateProjectInput,
): Promise<Project> {
  const problem = projectNameProblem(input.name);
  if (problem) {
    throw new SlipwayError(
      "INVALID_PROJECT_NAME",
      `Project name "${input.name}" is not valid: ${problem}.`,
      "Use a DNS label such as my-shop: lowercase letters, digits and hyphens, at most 40 characters.",
    );
  }
  validateRepoUrl(input.repo);
  // The token in https://user:token@host/... is stored encrypted; the URL kept is shown anywhere.
  const { url, credential } = splitRepoCredential(input.repo);
  await refuseCollidingName(deps, input.name);
  const project: Project = {
    id: newId(),
    name: input.name,
    repoUrl: url,
    repoCredentialEncrypted: await sealRepoCredential(deps, credential),
    productionBranch: validateBranchName(input.branch ?? "main"),
    rootDir: validateRootDir(input.rootDir ?? ""),
    installCommand: input.installCommand || null,
    buildCommand: input.buildCommand || null,
    nodeVersion: validateNodeVersion(input.nodeVersion ?? DEFAULT_NODE_VERSION),
    // 32 random bytes: a project can never have an empty or guessable webhook secret.
    webhookSecretEncrypted: await deps.secrets.encrypt(randomBytes(32).toString("hex")),
    teamId: input.teamId ?? null,
    createdAt: nowIso(),
  };
  if (!(await deps.store.projects.create(project))) {
    throw new SlipwayError("PROJECT_EXISTS", `A project named "${input.name}" already exists.`, "Pick another name.");
  }
  return project;
}

/**
 * Hostnames belong to projects, so a name whose URLs could equal another project's URLs is
 * refused. Two creates racing past this check still cannot take each other's hostnames: the
 * store's owner check on every alias write is the guard that holds; this gives the clear error.
 */
async function refuseCollidingName(deps: Pick<CoreDeps, "store">, name: string): Promise<void> {
  for (const other of await deps.store.projects.list()) {
    const collision = hostnameCollision(name, other.name);
    if (collision) {
      throw new SlipwayError(
        "PROJECT_NAME_CONFLICT",
        `Project name "${name}" collides with project "${other.name}": ${collision}.`,
        "Pick another name: a project's URLs are <name>, <name>-<deployment id> and <name>-git-<branch>, and no two projects may share one.",
      );
    }
  }
}

export async function getProjectByName(deps: Pick<CoreDeps, "store">, name: string): Promise<Project> {
  const project = await deps.store.projects.getByName(name);
  if (!project) throw projectNotFound(name);
  return project;
}

/** Also what another team's project answers, so its existence does not leak. */
export function projectNotFound(name: string): SlipwayError {
  return new SlipwayError(
    "PROJECT_NOT_FOUND",
    `No project named "${name}".`,
    "List projects with `slipway projects ls`.",
  );
}

export function webhookUrl(deps: Pick<CoreDeps, "urls">, project: Project): string {
  return `${deps.urls.apiUrl}/api/v1/webhooks/github/${project.id}`;
}
