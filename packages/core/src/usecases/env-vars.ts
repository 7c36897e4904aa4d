import { dotenvLine } from "../domain/dotenv-line.ts";
import { newId, nowIso } from "../domain/ids.ts";
import { ENV_TARGETS, type EnvTarget, type EnvVar, type Project } from "../domain/model.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";
import { validateEnvKey, validateEnvTotal, validateEnvValue } from "./env-rules.ts";
import { selectEnvVars } from "./env-snapshot.ts";
import { validateBranchName } from "./validation.ts";

export interface SetEnvInput {
  key: string;
  value: string;
  targets: string[];
  branch?: string | null;
  secret?: boolean;
}

export function parseTargets(targets: string[]): EnvTarget[] {
  if (targets.length === 0) return [...ENV_TARGETS];
  for (const t of targets) {
    if (!(ENV_TARGETS as readonly string[]).includes(t)) {
      throw new SlipwayError(
        "INVALID_ENV_TARGET",
        `"${t}" is not an environment target.`,
        `Use ${ENV_TARGETS.join(", ")}.`,
      );
    }
  }
  return [...new Set(targets)] as EnvTarget[];
}

/** Adds or replaces variables; all are validated before any is written, so a bad one loses nothing. */
export async function setEnvVars(deps: Pick<CoreDeps, "store" | "secrets">, project: Project, inputs: SetEnvInput[]) {
  const existing = await deps.store.envVars.listByProject(project.id);
  const prepared = inputs.map((input) => {
    const key = validateEnvKey(input.key);
    const targets = parseTargets(input.targets);
    const branch = input.branch ? validateBranchName(input.branch) : null;
    if (branch && (targets.length !== 1 || targets[0] !== "preview")) {
      throw new SlipwayError(
        "INVALID_ENV_TARGET",
        `Branch override for ${key} must target preview only.`,
        "Pass --target preview with --branch.",
      );
    }
    return { key, value: validateEnvValue(key, input.value), targets, branch, secret: input.secret ?? false };
  });
  // The total limit counts the real size of what is stored, so it cannot be crept past call by call.
  const stored = new Map<EnvVar, string>();
  for (const v of existing) stored.set(v, await deps.secrets.decrypt(v.valueEncrypted));
  for (const target of ENV_TARGETS) {
    const totals: Record<string, string> = {};
    for (const v of selectEnvVars(existing, target, null)) totals[v.key] = stored.get(v) ?? "";
    for (const p of prepared) if (p.targets.includes(target)) totals[p.key] = p.value;
    validateEnvTotal(totals);
  }
  const written: EnvVar[] = [];
  for (const p of prepared) {
    const previous = existing.find((v) => v.key === p.key && v.branch === p.branch);
    const envVar: EnvVar = {
      id: previous?.id ?? newId(),
      projectId: project.id,
      key: p.key,
      valueEncrypted: await deps.secrets.encrypt(p.value),
      targets: p.targets,
      branch: p.branch,
      secret: p.secret,
      createdAt: previous?.createdAt ?? nowIso(),
      updatedAt: nowIso(),
    };
    await deps.store.envVars.upsert(envVar);
    written.push(envVar);
  }
  return written;
}

export async function removeEnvVar(
  deps: Pick<CoreDeps, "store">,
  project: Project,
  key: string,
  branch?: string | null,
) {
  const removed = await deps.store.envVars.delete(project.id, key, branch === undefined ? undefined : { branch });
  if (removed === 0) {
    throw new SlipwayError(
      "ENV_VAR_NOT_FOUND",
      `Project ${project.name} has no variable "${key}"${branch ? ` for branch ${branch}` : ""}.`,
    );
  }
  return removed;
}

/** Secrets are write-only: their value never leaves the platform once set. */
export async function listEnvVars(deps: Pick<CoreDeps, "store" | "secrets">, project: Project) {
  const vars = await deps.store.envVars.listByProject(project.id);
  return Promise.all(
    vars.map(async (v) => ({
      key: v.key,
      value: v.secret ? null : await deps.secrets.decrypt(v.valueEncrypted),
      targets: v.targets,
      branch: v.branch,
      secret: v.secret,
      updatedAt: v.updatedAt,
    })),
  );
}

/**
 * `env pull`: the development values as a dotenv file safe to `source` (see dotenvLine); secrets,
 * and the rare value no line can carry faithfully, are left out and named in a comment.
 */
export async function developmentDotenv(deps: Pick<CoreDeps, "store" | "secrets">, project: Project): Promise<string> {
  const vars = selectEnvVars(await deps.store.envVars.listByProject(project.id), "development", null);
  const lines = [`# Development environment of ${project.name}, written by slipway env pull`];
  for (const v of vars) {
    if (v.secret) {
      lines.push(`# ${v.key} is a secret: set it by hand`);
      continue;
    }
    const line = dotenvLine(v.key, await deps.secrets.decrypt(v.valueEncrypted));
    lines.push(line ?? `# ${v.key} has characters a shell and Next.js would read differently: set it by hand`);
  }
  return `${lines.join("\n")}\n`;
}
