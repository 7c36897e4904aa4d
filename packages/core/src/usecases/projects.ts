import { randomBytes } from "node:crypto";
import { newId, nowIso } from "../domain/ids.ts";
import type { Project } from "../domain/model.ts";
import { projectNameProblem } from "../domain/names.ts";
import { validateRepoUrl } from "../domain/repo-url.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";
import { validateBranchName, validateRootDir } from "./validation.ts";

export interface CreateProjectInput {
  name: string;
  repo: string;
  branch?: string;
  rootDir?: string;
  installCommand?: string | null;
  buildCommand?: string | null;
}

export async function createProject(deps: Pick<CoreDeps, "store">, input: CreateProjectInput): Promise<Project> {
  const problem = projectNameProblem(input.name);
  if (problem) {
    throw new SlipwayError(
      "INVALID_PROJECT_NAME",
      `Project name "${input.name}" is not valid: ${problem}.`,
      "Use a DNS label such as my-shop: lowercase letters, digits and hyphens, at most 40 characters.",
    );
  }
  validateRepoUrl(input.repo);
  const project: Project = {
    id: newId(),
    name: input.name,
    repoUrl: input.repo,
    productionBranch: validateBranchName(input.branch ?? "main"),
    rootDir: validateRootDir(input.rootDir ?? ""),
    installCommand: input.installCommand || null,
    buildCommand: input.buildCommand || null,
    // 32 random bytes: a project can never have an empty or guessable webhook secret.
    webhookSecret: randomBytes(32).toString("hex"),
    createdAt: nowIso(),
  };
  if (!(await deps.store.projects.create(project))) {
    throw new SlipwayError("PROJECT_EXISTS", `A project named "${input.name}" already exists.`, "Pick another name.");
  }
  return project;
}

export async function getProjectByName(deps: Pick<CoreDeps, "store">, name: string): Promise<Project> {
  const project = await deps.store.projects.getByName(name);
  if (!project) {
    throw new SlipwayError(
      "PROJECT_NOT_FOUND",
      `No project named "${name}".`,
      "List projects with `slipway projects ls`.",
    );
  }
  return project;
}

export function webhookUrl(deps: Pick<CoreDeps, "urls">, project: Project): string {
  return `${deps.urls.apiUrl}/api/v1/webhooks/github/${project.id}`;
}
