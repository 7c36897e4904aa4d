import { hasControlChars } from "../domain/chars.ts";
import type { Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { ProjectSettingsPatch } from "../ports/store.ts";
import type { CoreDeps } from "./deps.ts";
import { validateBranchName, validateNodeVersion, validateRootDir } from "./validation.ts";

/** The build settings a user may change; a command set to null or "" goes back to the default. */
export interface UpdateProjectInput {
  branch?: string;
  rootDir?: string;
  installCommand?: string | null;
  buildCommand?: string | null;
  nodeVersion?: string;
}

const MAX_COMMAND_LENGTH = 1000;

/**
 * Changes a project's build settings. Only the next deployment sees them: a deployment keeps the
 * settings it was built with, so a rollback is unaffected. Each value is checked before anything
 * is written, so a bad one changes nothing.
 */
export async function updateProject(
  deps: Pick<CoreDeps, "store">,
  project: Project,
  input: UpdateProjectInput,
): Promise<Project> {
  const patch: ProjectSettingsPatch = {};
  if (input.branch !== undefined) patch.productionBranch = validateBranchName(input.branch);
  if (input.rootDir !== undefined) patch.rootDir = validateRootDir(input.rootDir);
  if (input.installCommand !== undefined) patch.installCommand = validateCommand("install", input.installCommand);
  if (input.buildCommand !== undefined) patch.buildCommand = validateCommand("build", input.buildCommand);
  if (input.nodeVersion !== undefined) patch.nodeVersion = validateNodeVersion(input.nodeVersion);
  if (Object.keys(patch).length === 0) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Nothing to change for project "${project.name}".`,
      "Pass at least one of --branch, --root-dir, --install-command, --build-command or --node.",
    );
  }
  const updated = await deps.store.projects.update(project.id, patch);
  if (!updated) throw projectGone(project.name);
  return updated;
}

/** A shell line the sandbox runs; one line, so a log or a status can never be forged by it. */
function validateCommand(kind: "install" | "build", command: string | null): string | null {
  const trimmed = command?.trim() ?? "";
  if (trimmed === "") return null;
  if (hasControlChars(trimmed) || trimmed.length > MAX_COMMAND_LENGTH) {
    const shown = JSON.stringify(trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed);
    throw new SlipwayError(
      "INVALID_INPUT",
      `The ${kind} command ${shown} is not valid: it must be one line of at most ${MAX_COMMAND_LENGTH} characters.`,
      `Join commands with && on one line, or put them in a package.json script and run that (e.g. "npm run ${kind}").`,
    );
  }
  return trimmed;
}

function projectGone(name: string): SlipwayError {
  return new SlipwayError(
    "PROJECT_NOT_FOUND",
    `No project named "${name}".`,
    "List projects with `slipway projects ls`.",
  );
}
