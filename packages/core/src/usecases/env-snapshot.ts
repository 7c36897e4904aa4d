import type { Deployment, EnvTarget, EnvVar, Project } from "../domain/model.ts";
import { deploymentHostLabel } from "../domain/names.ts";
import { SYSTEM_ENV } from "../runtime-contract.ts";
import type { CoreDeps } from "./deps.ts";

/** What a deployment was built with: values plus which of them are secret (to mask in logs). */
export interface EnvSnapshot {
  vars: Record<string, string>;
  secretKeys: string[];
}

/**
 * Picks the variables for a target: the ones for every branch, then (previews only) the
 * branch-specific overrides on top.
 */
export function selectEnvVars(all: EnvVar[], target: EnvTarget, branch: string | null): EnvVar[] {
  const forTarget = all.filter((v) => v.targets.includes(target));
  const chosen = new Map<string, EnvVar>();
  for (const v of forTarget) if (v.branch === null) chosen.set(v.key, v);
  if (target === "preview" && branch !== null) {
    for (const v of forTarget) if (v.branch === branch) chosen.set(v.key, v);
  }
  return [...chosen.values()];
}

export async function snapshotEnv(
  deps: Pick<CoreDeps, "store" | "secrets">,
  project: Project,
  deployment: Deployment,
): Promise<string> {
  const all = await deps.store.envVars.listByProject(project.id);
  const snapshot: EnvSnapshot = { vars: {}, secretKeys: [] };
  for (const v of selectEnvVars(all, deployment.environment, deployment.commit.branch)) {
    snapshot.vars[v.key] = await deps.secrets.decrypt(v.valueEncrypted);
    if (v.secret) snapshot.secretKeys.push(v.key);
  }
  return deps.secrets.encrypt(JSON.stringify(snapshot));
}

export async function readEnvSnapshot(deps: Pick<CoreDeps, "secrets">, deployment: Deployment): Promise<EnvSnapshot> {
  if (!deployment.envSnapshot) return { vars: {}, secretKeys: [] };
  return JSON.parse(await deps.secrets.decrypt(deployment.envSnapshot)) as EnvSnapshot;
}

/**
 * The keys a deployment was built with and which are secret, sorted; never a value. What the
 * dashboard's deployment page shows to say which configuration a build saw.
 */
export async function envSnapshotKeys(
  deps: Pick<CoreDeps, "secrets">,
  deployment: Deployment,
): Promise<{ key: string; secret: boolean }[]> {
  const { vars, secretKeys } = await readEnvSnapshot(deps, deployment);
  const secret = new Set(secretKeys);
  return Object.keys(vars)
    .sort()
    .map((key) => ({ key, secret: secret.has(key) }));
}

/** Vercel-style variables describing the deployment to the app itself. */
export function systemEnv(
  deps: Pick<CoreDeps, "urls">,
  project: Project,
  deployment: Deployment,
): Record<string, string> {
  const host = deps.urls.hostname(deploymentHostLabel(project.name, deployment.id));
  return {
    [SYSTEM_ENV.env]: deployment.environment,
    [SYSTEM_ENV.url]: deps.urls.url(host),
    [SYSTEM_ENV.sha]: deployment.commit.sha,
    [SYSTEM_ENV.branch]: deployment.commit.branch ?? "",
    [SYSTEM_ENV.deploymentId]: deployment.id,
    [SYSTEM_ENV.apiUrl]: deps.urls.apiUrl,
  };
}

/** The full environment a deployment runs (and is built) with, and the values to mask. */
export async function deploymentEnv(
  deps: Pick<CoreDeps, "secrets" | "urls">,
  project: Project,
  deployment: Deployment,
): Promise<{ env: Record<string, string>; mask: string[] }> {
  const snapshot = await readEnvSnapshot(deps, deployment);
  const mask = snapshot.secretKeys.map((k) => snapshot.vars[k]).filter((v): v is string => !!v);
  return { env: { ...snapshot.vars, ...systemEnv(deps, project, deployment) }, mask };
}
